"""midox.backends.portmidi (the port API and the backend registry) against the real libportmidi.

Runs only under the ALSA sequencer stand-in (see conftest.py), whose loopback "Midi Through Port-0" gives
back on the input what is sent on the output. mido 1.3.3's own PortMidi backend (ctypes, the same
libportmidi) runs in the same process for comparison.
"""
import gc
import os
import subprocess
import sys
import threading
import time

import pytest

from port_traffic import EVERY_TYPE, blocked_receive_error, receive_all

from midox import Message
import midox
from midox.backends import _portmidi, portmidi
from midox.backends.backend import Backend
from midox.ports import PortClosedError, reset_messages

LOOP = "Midi Through Port-0"

@pytest.fixture
def loop():
    with portmidi.Input(LOOP) as port_in, portmidi.Output(LOOP) as port_out:
        yield port_in, port_out


@pytest.fixture
def restore_backend():
    from midox.backends import backend as registry
    saved = registry._current.backend
    yield
    registry._current.backend = saved


# ---- devices and opening ---------------------------------------------------------------------------------------

def test_get_devices():
    common = {"interface": "ALSA", "name": LOOP, "opened": False, "is_virtual": False}
    assert portmidi.get_devices() == [
        {"id": 0, **common, "is_input": False, "is_output": True},
        {"id": 1, **common, "is_input": True, "is_output": False},
    ]
    assert portmidi.get_devices(api="ignored") == portmidi.get_devices()


def test_get_devices_matches_mido():
    from mido.backends import portmidi as mido_portmidi
    ours = portmidi.get_devices()
    theirs = mido_portmidi.get_devices()
    assert [{key: device[key] for key in theirs[0]} for device in ours] == theirs
    assert list(theirs[0]) == list(ours[0])[:6]


def test_default_ports_take_the_device_name():
    with portmidi.Input() as port_in, portmidi.Output(None) as port_out:
        pass
    assert port_in.name == port_out.name == LOOP
    with portmidi.Input(LOOP) as port_in, portmidi.Output(LOOP) as port_out:
        _check_open_ports(port_in, port_out)


def _check_open_ports(port_in, port_out):
    assert repr(port_in) == f"<open input {LOOP!r} (PortMidi/ALSA)>"
    assert repr(port_out) == f"<open output {LOOP!r} (PortMidi/ALSA)>"
    devices = portmidi.get_devices()
    assert [device["opened"] for device in devices] == [True, True]


def test_options_are_accepted_and_unknown_ones_ignored():
    with portmidi.Input(LOOP, buffer_size=50, client_name="ignored") as port_in, \
            portmidi.Output(LOOP, latency=0, buffer_size=10) as port_out:
        port_out.send(Message("clock"))
        assert receive_all(port_in, 1) == [Message("clock")]


# ---- round trips -----------------------------------------------------------------------------------------------

def test_messages_round_trip_in_order(loop):
    port_in, port_out = loop
    for message in EVERY_TYPE:
        port_out.send(message)
    assert receive_all(port_in, len(EVERY_TYPE)) == EVERY_TYPE
    assert port_in.poll() is None


def test_sent_message_is_copied(loop):
    port_in, port_out = loop
    message = Message("note_on", note=10)
    port_out.send(message)
    message.note = 11
    assert receive_all(port_in, 1) == [Message("note_on", note=10)]


def test_3000_byte_sysex(loop):
    port_in, port_out = loop
    message = Message("sysex", data=[(i * 13) % 128 for i in range(2998)])
    assert len(message.bin()) == 3000
    port_out.send(message)
    port_out.send(Message("note_on", note=1))
    assert receive_all(port_in, 2) == [message, Message("note_on", note=1)]


def test_5000_messages_in_order_none_lost(loop):
    port_in, port_out = loop
    sent = [Message("control_change", channel=i % 16, control=(i // 16) % 128, value=i % 128)
            for i in range(5000)]
    received = []

    def reader():
        for _ in range(len(sent)):
            received.append(port_in.receive())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i, message in enumerate(sent):
            port_out.send(message)
            if i % 50 == 49:
                # At most 100 messages in flight: ALSA's input pool holds 200 events per client.
                deadline = time.monotonic() + 5
                while len(received) < i - 49 and time.monotonic() < deadline:
                    time.sleep(0.0005)
        thread.join(10)
    finally:
        if thread.is_alive():
            port_in.close()
            thread.join()
    assert received == sent


def test_autoreset_sends_reset_messages_on_close():
    with portmidi.Input(LOOP) as port_in:
        with portmidi.Output(LOOP, autoreset=True) as port_out:
            port_out.send(Message("note_on", note=60))
        expected = [Message("note_on", note=60), *reset_messages()]
        assert receive_all(port_in, len(expected)) == expected


# ---- receiving: blocking, callbacks, closing -------------------------------------------------------------------

def test_blocking_receive_wakes_when_a_message_arrives(loop):
    port_in, port_out = loop
    timer = threading.Timer(0.3, port_out.send, [Message("note_on", note=42)])
    cpu = time.process_time()
    start = time.monotonic()
    timer.start()
    try:
        message = port_in.receive()
    finally:
        timer.join()
    elapsed = time.monotonic() - start
    assert message == Message("note_on", note=42)
    assert 0.25 < elapsed < 0.6
    # The wait polls in C without the GIL: the process spent far less CPU than the wall time.
    assert time.process_time() - cpu < 0.5 * elapsed


def test_port_is_usable_while_another_thread_blocks_in_receive(loop):
    port_in, port_out = loop
    result = []
    thread = threading.Thread(target=lambda: result.append(port_in.receive()))
    thread.start()
    try:
        time.sleep(0.1)
        start = time.monotonic()
        assert port_in.poll() is None              # the port lock is not held during the wait
        assert port_in.pending() == 0
        assert time.monotonic() - start < 0.1
        port_out.send(Message("stop"))
        thread.join(2)
        assert not thread.is_alive()
    finally:
        if thread.is_alive():
            port_in.close()
            thread.join()
    assert result == [Message("stop")]


def test_close_from_another_thread_ends_a_blocked_receive(loop):
    port_in, _ = loop
    error, seconds = blocked_receive_error(port_in, port_in.close)
    assert seconds < 0.3
    assert isinstance(error, PortClosedError)
    assert isinstance(error, OSError) and isinstance(error, ValueError)
    assert port_in.closed
    assert _portmidi.open_stream_count() == 1      # the output is still open


def test_setting_a_callback_ends_a_blocked_receive(loop):
    port_in, _ = loop

    def set_callback():
        port_in.callback = lambda message: None

    error, _ = blocked_receive_error(port_in, set_callback, delay=0.1)
    assert isinstance(error, ValueError)
    assert str(error) == "a callback is set for this port"
    port_in.callback = None


def test_callback_gets_every_message_in_order(loop):
    port_in, port_out = loop
    got = []
    arrived = threading.Event()

    def callback(message):
        got.append((message, threading.current_thread() is threading.main_thread()))
        if len(got) == len(EVERY_TYPE):
            arrived.set()

    port_in.callback = callback
    for message in EVERY_TYPE:
        port_out.send(message)
    assert arrived.wait(5)
    assert [message for message, _ in got] == EVERY_TYPE
    assert not any(on_main for _, on_main in got)
    with pytest.raises(ValueError):
        port_in.receive()
    port_in.callback = None
    port_out.send(Message("clock"))
    assert port_in.receive() == Message("clock")


def test_closing_a_port_with_a_callback_is_prompt():
    port_in = portmidi.Input(LOOP, callback=lambda message: None)
    time.sleep(0.1)                                 # the dispatcher is waiting for input
    start = time.monotonic()
    port_in.close()
    assert time.monotonic() - start < 0.04          # the wait was interrupted, not run out (0.05 s)
    assert port_in._dispatch_thread is None


def test_callback_given_when_opening():
    got = []
    with portmidi.Input(LOOP, callback=got.append) as port_in, portmidi.Output(LOOP) as port_out:
        assert port_in.callback == got.append
        for message in EVERY_TYPE[:5]:
            port_out.send(message)
        deadline = time.monotonic() + 5
        while len(got) < 5 and time.monotonic() < deadline:
            time.sleep(0.001)
    assert got == EVERY_TYPE[:5]
    with pytest.raises(TypeError):
        portmidi.Input(LOOP, callback=42)
    assert _portmidi.open_stream_count() == 0


def test_pending_iter_pending_and_iteration(loop):
    port_in, port_out = loop
    for message in EVERY_TYPE[:3]:
        port_out.send(message)
    deadline = time.monotonic() + 5
    while port_in.pending() < 3 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert port_in.pending() == 3
    assert list(port_in.iter_pending()) == EVERY_TYPE[:3]
    port_out.send(Message("start"))
    threading.Timer(0.3, port_in.close).start()
    assert list(port_in) == [Message("start")]       # iteration ends when the port is closed


# ---- errors ----------------------------------------------------------------------------------------------------

def test_unknown_names():
    with pytest.raises(OSError) as info:
        portmidi.Input("nope")
    assert str(info.value) == f"unknown port 'nope' (PortMidi input ports: {LOOP!r})"
    with pytest.raises(OSError) as info:
        portmidi.Output("nope")
    assert str(info.value) == f"unknown port 'nope' (PortMidi output ports: {LOOP!r})"
    assert _portmidi.open_stream_count() == 0


def test_unknown_name_message_starts_as_mido():
    from mido.backends import portmidi as mido_portmidi
    with pytest.raises(OSError) as theirs:
        mido_portmidi.Input("nope")
    with pytest.raises(OSError) as ours:
        portmidi.Input("nope")
    assert str(ours.value).startswith(str(theirs.value))


def test_port_already_opened(loop):
    with pytest.raises(OSError) as info:
        portmidi.Input(LOOP)
    assert str(info.value) == f"port already opened: {LOOP!r}"
    with pytest.raises(OSError) as info:
        portmidi.Output()
    assert str(info.value) == f"output port {LOOP!r} is already open"


def test_virtual_ports_need_portmidi_2():
    for cls in (portmidi.Input, portmidi.Output):
        with pytest.raises(OSError) as info:
            cls("midox virtual", virtual=True)
        assert isinstance(info.value, ValueError)      # what mido 1.3.3 raises
        assert str(info.value) == (
            "virtual ports need PortMidi 2.0 or newer, and midox's PortMidi binding was built against "
            "PortMidi 217 (install PortMidi 2 and reinstall midox, or use the rtmidi backend)")
    assert _portmidi.open_stream_count() == 0


def test_closed_ports(loop):
    port_in, port_out = loop
    port_in.close()
    port_out.close()
    with pytest.raises(PortClosedError):
        port_out.send(Message("clock"))
    with pytest.raises(PortClosedError):
        port_in.receive()
    assert port_in.poll() is None
    with pytest.raises(TypeError):
        portmidi.Output(LOOP).send("note_on")
    gc.collect()


# ---- lifetime --------------------------------------------------------------------------------------------------

def test_ports_keep_working_while_others_open_and_close():
    port_in = portmidi.Input(LOOP)
    try:
        for i in range(3):
            with portmidi.Output(LOOP) as port_out:
                port_out.send(Message("program_change", program=i))
            assert portmidi.get_devices()[1]["opened"] is True      # no refresh while the input is open
        assert receive_all(port_in, 3) == [Message("program_change", program=i) for i in range(3)]
    finally:
        port_in.close()
    assert _portmidi.refresh() is True
    with portmidi.Input(LOOP) as port_in, portmidi.Output(LOOP) as port_out:
        port_out.send(Message("clock"))
        assert receive_all(port_in, 1) == [Message("clock")]


def test_unreferenced_port_is_closed():
    port = portmidi.Input(LOOP)
    assert _portmidi.open_stream_count() == 1
    del port
    gc.collect()
    assert _portmidi.open_stream_count() == 0
    with portmidi.Input(LOOP):
        pass


# ---- the backend registry --------------------------------------------------------------------------------------

def test_backend_by_environment(monkeypatch, restore_backend):
    monkeypatch.setenv("MIDOX_BACKEND", "portmidi")
    midox.set_backend(None)
    assert midox.backend.name == "midox.backends.portmidi"
    assert midox.get_input_names() == [LOOP]
    assert midox.get_output_names() == [LOOP]
    assert midox.get_ioport_names() == [LOOP]
    assert midox.backend.module is portmidi
    with midox.open_input() as port_in, midox.open_output() as port_out:
        assert port_in.name == port_out.name == LOOP
        port_out.send(Message("note_on", note=5))
        assert port_in.receive() == Message("note_on", note=5)
    got = []
    with midox.open_input(LOOP, callback=got.append), midox.open_output(LOOP) as port_out:
        port_out.send(Message("stop"))
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.001)
    assert got == [Message("stop")]


def test_backend_object_and_ioport():
    for name in ("midox.backends.portmidi", "portmidi", "mido.backends.portmidi"):
        backend = Backend(name)
        assert backend.name == "midox.backends.portmidi"
        assert backend.get_input_names() == [LOOP]
    backend = Backend("midox.backends.portmidi", load=True)
    assert repr(backend) == "<backend midox.backends.portmidi (loaded)>"
    with backend.open_ioport(LOOP) as port:
        assert port.name == f"{LOOP} + {LOOP}"        # an Input and an Output paired, as in mido
        port.send(Message("control_change", control=1, value=2))
        assert port.receive() == Message("control_change", control=1, value=2)
        port.send(Message("sysex", data=range(100)))
        assert port.receive() == Message("sysex", data=range(100))
    with pytest.raises(OSError, match="^port already opened"):
        with backend.open_input(LOOP), backend.open_ioport(LOOP):
            pass
    assert _portmidi.open_stream_count() == 0


def test_backend_in_a_fresh_process():
    code = (
        "import midox\n"
        "print(midox.backend.name, midox.get_input_names(), midox.get_output_names())\n"
        "with midox.open_output() as out, midox.open_input() as inp:\n"
        "    out.send(midox.Message('note_on', note=77))\n"
        "    print(inp.receive())\n"
    )
    env = dict(os.environ, MIDOX_BACKEND="portmidi")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"midox.backends.portmidi [{LOOP!r}] [{LOOP!r}]",
        "note_on channel=0 note=77 velocity=64 time=0",
    ]


# ---- mido's PortMidi backend on the same library ---------------------------------------------------------------

def test_mido_and_midox_ports_talk_to_each_other(monkeypatch):
    import mido
    from mido.backends import portmidi as mido_portmidi
    # mido re-initializes PortMidi when it has no port open, which would close ours: tell it one is open.
    monkeypatch.setitem(mido_portmidi._state, "port_count", 1)
    with portmidi.Input(LOOP) as port_in:
        with mido_portmidi.Output(LOOP) as mido_out:
            for message in EVERY_TYPE:
                mido_out.send(mido.Message.from_bytes(message.bytes()))
        assert receive_all(port_in, len(EVERY_TYPE)) == EVERY_TYPE
    with portmidi.Output(LOOP) as port_out, mido_portmidi.Input(LOOP) as mido_in:
        simple = [m for m in EVERY_TYPE if m.type in ("note_on", "note_off", "control_change", "program_change")]
        for message in simple:
            port_out.send(message)
        received = []
        deadline = time.monotonic() + 5
        while len(received) < len(simple) and time.monotonic() < deadline:
            message = mido_in.poll()
            if message is None:
                time.sleep(0.001)
            else:
                received.append(message)
        assert [m.bytes() for m in received] == [m.bytes() for m in simple]
