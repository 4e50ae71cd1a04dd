"""midox.backends.pygame through the real pygame.midi (pygame's bundled PortMidi and libasound).

Runs only under the ALSA sequencer stand-in (see conftest.py), whose loopback "Midi Through Port-0" gives back
on the input what is sent on the output: pygame.midi lists it as output device 0 and input device 1. mido
1.3.3's pygame backend is compared on the same traffic, in fresh processes where it opens ports (pygame.midi
cannot close a device, so a device mido's port used stays open for the rest of the process).
"""
import os

# pygame.midi needs no display or sound device; SDL must not look for one. Set before pygame is imported.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import importlib  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from port_traffic import (
    EVERY_TYPE,
    assert_each_once_in_order,
    blocked_receive_error,
    numbered,
    receive_all,
    receive_while_switching_callbacks,
    wait_until,
)

import midox  # noqa: E402
from midox import Message  # noqa: E402
from midox.backends import BackendUnavailable  # noqa: E402
from midox.backends import pygame as backend  # noqa: E402
from midox.backends.backend import Backend  # noqa: E402
from midox.ports import PortClosedError, reset_messages  # noqa: E402

midi = backend.midi
LOOP = "Midi Through Port-0"
SDL_DUMMY = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}

def run_python(code, **env):
    """Run code in a fresh interpreter with this environment (the stand-in is preloaded) and env; return the
    CompletedProcess."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYGAME_HIDE_SUPPORT_PROMPT", "MIDOX_BACKEND", "MIDO_BACKEND")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(environment, **SDL_DUMMY, **env), timeout=120)


def portmidi_streams():
    """The ids of the devices PortMidi has a stream open on (what pygame.midi says, not midox)."""
    return [device_id for device_id in range(midi.get_count()) if midi.get_device_info(device_id)[4]]


@pytest.fixture(autouse=True)
def no_pygame_device_left_open():
    yield
    assert [device for device in backend.get_devices() if device["opened"]] == []
    # the streams are really closed once no port is open (pygame.midi cannot close one: midox restarts PortMidi)
    assert portmidi_streams() == []
    assert midi.get_init()


@pytest.fixture
def loop():
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        yield port_in, port_out


@pytest.fixture
def restore_backend():
    from midox.backends import backend as registry
    saved = registry._current.backend
    yield
    registry._current.backend = saved


# ---- unpacking pygame.midi events ------------------------------------------------------------------------------

def events(*words):
    return [[list(word), 0] for word in words]


def sysex_events(data):
    """PortMidi's events for the bytes of one sysex message: four bytes each, the last one padded."""
    data = bytes(data)
    return events(*[(data[i:i + 4] + bytes(4))[:4] for i in range(0, len(data), 4)])


def test_unpack_takes_exactly_the_bytes_of_each_message():
    cases = [
        ((0x90, 60, 64, 0), b"\x90\x3c\x40"), ((0x80, 60, 0, 0), b"\x80\x3c\x00"), ((0xC5, 3, 0, 0), b"\xc5\x03"),
        ((0xD2, 0x33, 0, 0), b"\xd2\x33"), ((0xE0, 0, 0x40, 0), b"\xe0\x00\x40"), ((0xF1, 0x23, 0, 0), b"\xf1\x23"),
        ((0xF2, 0x10, 0x20, 0), b"\xf2\x10\x20"), ((0xF3, 5, 0, 0), b"\xf3\x05"), ((0xF6, 0, 0, 0), b"\xf6"),
        ((0xF8, 0, 0, 0), b"\xf8"), ((0xFF, 0, 0, 0), b"\xff"),
        # whatever is in the unused bytes is not MIDI data
        ((0xC5, 3, 0x7F, 0x7F), b"\xc5\x03"), ((0xFA, 1, 2, 3), b"\xfa"),
    ]
    for word, expected in cases:
        assert backend._unpack(events(word)) == (expected, False), word
    assert backend._unpack(events(*[word for word, _ in cases])) == (b"".join(e for _, e in cases), False)
    assert backend._unpack([]) == (b"", False)


def test_feeding_all_four_bytes_would_make_extra_messages():
    # Why the bytes are unpacked: with running status each zero byte of padding in a program_change event is
    # one more program_change (mido's parser drops such bytes, midox's follows MIDI 1.0).
    assert midox.parse_all(bytes([0xC5, 3, 0, 0])) == [Message("program_change", channel=5, program=3),
                                                        Message("program_change", channel=5, program=0),
                                                        Message("program_change", channel=5, program=0)]
    data, _ = backend._unpack(events((0xC5, 3, 0, 0)))
    assert midox.parse_all(data) == [Message("program_change", channel=5, program=3)]


def test_unpack_sysex_of_every_length_also_one_event_at_a_time():
    for size in range(20):
        message = bytes([0xF0, *range(size), 0xF7])
        packed = sysex_events(message)
        assert backend._unpack(packed) == (message, False), size
        data, in_sysex = b"", False
        for event in packed:
            chunk, in_sysex = backend._unpack([event], in_sysex)
            data += chunk
        assert (data, in_sysex) == (message, False)
        assert backend._unpack(packed + events((0x90, 1, 2, 0))) == (message + b"\x90\x01\x02", False)


def test_unpack_real_time_packed_into_sysex_anywhere():
    # PortMidi puts a real-time byte that arrives during sysex into the sysex word where it arrived.
    data = bytes(range(1, 12))
    for position in range(1, len(data) + 2):
        stream = b"\xf0" + data[:position - 1] + b"\xf8" + data[position - 1:] + b"\xf7"
        unpacked, in_sysex = backend._unpack(sysex_events(stream))
        assert (unpacked, in_sysex) == (stream, False), position
        parsed = midox.parse_all(unpacked)
        assert [m.type for m in parsed] == ["clock", "sysex"]
        assert bytes(parsed[1].data) == data


def test_unpack_cut_sysex_and_stray_data():
    # a status byte ends a sysex message that had no F7: the event is a message of its own
    assert backend._unpack(events((0xF0, 1, 2, 3), (0x90, 60, 64, 0))) == (b"\xf0\x01\x02\x03\x90\x3c\x40", False)
    assert backend._unpack(events((0xF0, 1, 2, 3), (0xF0, 5, 0xF7, 0))) == (b"\xf0\x01\x02\x03\xf0\x05\xf7", False)
    # data outside sysex (its start was lost) is dropped; a real-time event is still delivered
    assert backend._unpack(events((1, 2, 3, 4), (0xF8, 0, 0, 0))) == (b"\xf8", False)
    # the state is carried: an unfinished sysex goes on in the next call
    assert backend._unpack(events((0xF0, 1, 2, 3))) == (b"\xf0\x01\x02\x03", True)
    assert backend._unpack(events((4, 0xF7, 0, 0)), True) == (b"\x04\xf7", False)
    assert backend._unpack(events((4, 0xF7, 0, 0)), False) == (b"", False)


# ---- devices and opening ---------------------------------------------------------------------------------------

def test_get_devices():
    common = {"interface": "ALSA", "name": LOOP, "opened": False}
    assert backend.get_devices() == [
        {**common, "is_input": False, "is_output": True, "id": 0},
        {**common, "is_input": True, "is_output": False, "id": 1},
    ]
    assert backend.get_devices(api="ignored") == backend.get_devices()
    assert list(backend.get_devices()[0]) == ["interface", "name", "is_input", "is_output", "opened", "id"]


def test_get_devices_matches_mido():
    from mido.backends import pygame as mido_pygame
    theirs = mido_pygame.get_devices()
    ours = backend.get_devices()
    assert [list(device) for device in ours] == [list(device) for device in theirs]
    # mido leaves the interface as bytes and gives ints for the flags; the values are the same, except that a
    # device whose midox port was closed is not opened for midox (PortMidi still has it open, see below)
    assert [{**device, "interface": device["interface"].decode(), "opened": None} for device in theirs] == \
        [{**device, "opened": None} for device in ours]


def test_names_through_the_registry():
    for name in ("pygame", "midox.backends.pygame", "mido.backends.pygame"):
        registry = Backend(name)
        assert registry.name == "midox.backends.pygame"
        assert registry.get_input_names() == [LOOP]
        assert registry.get_output_names() == [LOOP]
        assert registry.get_ioport_names() == [LOOP]
    assert Backend("pygame").module is backend


def test_open_by_name_and_by_default():
    for name in (None, ""):
        with backend.Input(name) as port_in, backend.Output(name) as port_out:
            assert port_in.name == port_out.name == LOOP
    with backend.Input() as port_in, backend.Output() as port_out:
        assert port_in.name == port_out.name == LOOP
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        assert repr(port_in) == f"<open input {LOOP!r} (Pygame/ALSA)>"
        assert repr(port_out) == f"<open output {LOOP!r} (Pygame/ALSA)>"
        assert [device["opened"] for device in backend.get_devices()] == [True, True]
    assert repr(port_in) == f"<closed input {LOOP!r} (Pygame/ALSA)>"


def test_close_frees_the_device():
    port_in = backend.Input(LOOP)
    assert backend.get_devices()[1]["opened"] is True
    port_in.close()
    assert port_in._port is None
    assert backend.get_devices()[1]["opened"] is False
    port_in.close()         # twice is fine
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        port_out.send(Message("clock"))
        assert receive_all(port_in, 1) == [Message("clock")]


def test_a_closed_port_leaves_its_stream_to_the_next_port_until_none_is_open():
    port_out = backend.Output(LOOP)
    port_in = backend.Input(LOOP)
    stream = port_in._port
    port_in.close()
    assert portmidi_streams() == [0, 1]              # pygame.midi could not close the input's stream ...
    assert backend.get_devices()[1]["opened"] is False      # ... but it is free for midox
    with backend.Input(LOOP) as port_in:
        assert port_in._port is stream               # and the next input takes it over
        port_out.send(Message("start"))
        assert receive_all(port_in, 1) == [Message("start")]
    assert portmidi_streams() == [0, 1]              # the output is still open
    port_out.close()
    assert portmidi_streams() == []                  # no port left: PortMidi was restarted
    assert midi.get_init()                           # and is ready for the program's own use of pygame.midi


def test_an_idle_input_does_not_hold_up_its_device():
    # The closed input's stream stays connected to the loopback while the output is open; it is emptied, so
    # that its ALSA input buffer (200 events) never fills and makes the loopback refuse the output's messages.
    with backend.Output(LOOP) as port_out:
        backend.Input(LOOP).close()
        assert portmidi_streams() == [0, 1]
        for start in range(0, 1000, 100):
            for message in numbered(100):
                port_out.send(message)
            time.sleep(0.03)
        with backend.Input(LOOP) as port_in:
            port_out.send(Message("stop"))
            assert receive_all(port_in, 1) == [Message("stop")]
    deadline = time.monotonic() + 1
    while backend._draining and time.monotonic() < deadline:     # the thread ends once nothing is idle
        time.sleep(0.001)
    assert not backend._draining


def test_streams_of_others_are_left_alone():
    # A pygame.midi stream that is not midox's (here one pygame cannot close) keeps PortMidi from being
    # restarted: midox's closed ports then keep their streams for the next port.
    result = run_python(
        "import pygame.midi\n"
        "from midox.backends import pygame as backend\n"
        "from midox import Message\n"
        "backend.get_devices()\n"
        "theirs = pygame.midi.Output(0)\n"
        "backend.Input('Midi Through Port-0').close()\n"
        "print([pygame.midi.get_device_info(i)[4] for i in range(2)])\n"
        "with backend.Input('Midi Through Port-0') as port_in:\n"
        "    theirs.write_short(0x90, 60, 100)\n"
        "    print(port_in.receive())\n", PYGAME_HIDE_SUPPORT_PROMPT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[1, 1]\nnote_on channel=0 note=60 velocity=100 time=0\n"


def test_a_reopened_input_gets_nothing_sent_while_it_was_closed():
    with backend.Output(LOOP) as port_out:
        backend.Input(LOOP).close()
        port_out.send(Message("note_on", note=1))
        time.sleep(0.05)
        with backend.Input(LOOP) as port_in:
            assert port_in.poll() is None
            port_out.send(Message("note_on", note=2))
            assert receive_all(port_in, 1) == [Message("note_on", note=2)]


def test_ports_work_after_pygame_midi_is_quit_and_initialized_again():
    result = run_python(
        "import pygame.midi, midox\n"
        "from midox.backends import pygame as backend\n"
        "backend.Input('Midi Through Port-0').close()\n"
        "backend.Output('Midi Through Port-0').close()\n"
        "pygame.midi.quit()\n"
        "pygame.midi.init()\n"
        "with backend.Input('Midi Through Port-0') as port_in, backend.Output('Midi Through Port-0') as port_out:\n"
        "    port_out.send(midox.Message('stop'))\n"
        "    print(port_in.receive())\n", PYGAME_HIDE_SUPPORT_PROMPT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "stop time=0\n"


def test_unreferenced_ports_are_closed():
    port = backend.Input(LOOP)
    del port
    import gc
    gc.collect()
    assert backend.get_devices()[1]["opened"] is False


def test_options_of_other_backends_are_ignored():
    with backend.Input(LOOP, client_name="x", buffer_size=10) as port_in, backend.Output(LOOP, api="x") as port_out:
        port_out.send(Message("start"))
        assert receive_all(port_in, 1) == [Message("start")]


# ---- round trips -----------------------------------------------------------------------------------------------

def test_every_message_type_round_trips_in_order(loop):
    port_in, port_out = loop
    for message in EVERY_TYPE:
        port_out.send(message)
    assert receive_all(port_in, len(EVERY_TYPE)) == EVERY_TYPE
    time.sleep(0.05)
    assert port_in.poll() is None           # nothing extra


def test_active_sensing_is_not_received_as_in_mido(loop):
    # PortMidi filters active sensing on input by default; mido's pygame ports behave the same.
    port_in, port_out = loop
    port_out.send(Message("active_sensing"))
    port_out.send(Message("clock"))
    port_out.send(Message("active_sensing"))
    port_out.send(Message("stop"))
    assert receive_all(port_in, 2) == [Message("clock"), Message("stop")]
    time.sleep(0.05)
    assert port_in.poll() is None


def test_sent_message_is_copied(loop):
    port_in, port_out = loop
    message = Message("note_on", note=10)
    port_out.send(message)
    message.note = 11
    assert receive_all(port_in, 1) == [Message("note_on", note=10)]


@pytest.mark.parametrize("size", [1000, 1021, 3000])
def test_long_sysex_comes_back_complete(loop, size):
    port_in, port_out = loop
    message = Message("sysex", data=[(i * 13) % 128 for i in range(size - 2)])
    assert len(message.bin()) == size
    port_out.send(message)
    port_out.send(Message("note_on", note=1))
    assert receive_all(port_in, 2) == [message, Message("note_on", note=1)]


def test_real_time_during_a_long_sysex():
    # A clock byte in the middle of a sysex message, written with pygame.midi directly (a sysex Message only
    # holds data bytes). PortMidi's ALSA output sends the first 1024 bytes, then the clock, then the rest,
    # so the input gets the clock while the sysex is in progress and packs it into a sysex word. (The clock
    # sits at an offset that is not a multiple of four: at one that is, PortMidi's Pm_Write sends it twice.)
    data = [(i * 5) % 128 for i in range(1500)]
    position = 1026
    raw = [0xF0, *data[:position - 1], 0xF8, *data[position - 1:], 0xF7]
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        port_out._port.write_sys_ex(0, raw)        # the port's pygame.midi.Output
        port_out._port.write_short(0x90, 1, 2)
        assert receive_all(port_in, 3) == [Message("clock"), Message("sysex", data=data),
                                           Message("note_on", note=1, velocity=2)]


def test_several_hundred_messages_in_order(loop):
    port_in, port_out = loop
    # every channel message type, each channel; consecutive messages often share a status byte
    sent = []
    for i in range(800):
        kind = i // 100
        channel = i % 16
        value = (i * 7) % 128
        sent.append([
            Message("note_on", channel=channel, note=value, velocity=i % 128),
            Message("note_off", channel=channel, note=value),
            Message("control_change", channel=channel, control=i % 120, value=value),
            Message("program_change", channel=channel, program=value),
            Message("aftertouch", channel=channel, value=value),
            Message("polytouch", channel=channel, note=value, value=i % 128),
            Message("pitchwheel", channel=channel, pitch=i * 20 - 8000),
            Message("song_select", song=value),
        ][kind])
    received = []
    for start in range(0, len(sent), 100):      # below the 200 events an ALSA client's input holds
        for message in sent[start:start + 100]:
            port_out.send(message)
        received += receive_all(port_in, 100)
    assert received == sent
    assert port_in.poll() is None


def test_autoreset_sends_reset_messages_on_close():
    with backend.Input(LOOP) as port_in:
        with backend.Output(LOOP, autoreset=True) as port_out:
            port_out.send(Message("note_on", note=60))
        expected = [Message("note_on", note=60), *reset_messages()]
        assert receive_all(port_in, len(expected)) == expected


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
    timer = threading.Timer(0.3, port_in.close)
    timer.start()
    assert list(port_in) == [Message("start")]       # iteration ends when the port is closed
    timer.join()


# ---- callbacks, blocking, closing ------------------------------------------------------------------------------

def test_callback_gets_every_message_in_order_on_another_thread(loop):
    port_in, port_out = loop
    got = []
    done = threading.Event()

    def callback(message):
        got.append((message, threading.current_thread() is threading.main_thread()))
        if len(got) == len(EVERY_TYPE):
            done.set()

    port_in.callback = callback
    for message in EVERY_TYPE:
        port_out.send(message)
    assert done.wait(5)
    assert [message for message, _ in got] == EVERY_TYPE
    assert not any(on_main for _, on_main in got)
    with pytest.raises(ValueError, match="callback"):
        port_in.receive()
    port_in.callback = None
    port_out.send(Message("continue"))
    assert port_in.receive() == Message("continue")


def test_callback_given_when_opening():
    got = []
    with backend.Input(LOOP, callback=got.append) as port_in, backend.Output(LOOP) as port_out:
        assert port_in.callback == got.append
        for message in EVERY_TYPE[:6]:
            port_out.send(message)
        deadline = time.monotonic() + 5
        while len(got) < 6 and time.monotonic() < deadline:
            time.sleep(0.001)
    assert got == EVERY_TYPE[:6]
    assert port_in._dispatch_thread is None
    with pytest.raises(TypeError):
        backend.Input(LOOP, callback=42)


def test_callback_switched_while_messages_flow_loses_and_repeats_nothing(loop):
    port_in, port_out = loop
    messages = numbered(600)

    def sender(arrived):
        for start in range(0, len(messages), 50):
            for message in messages[start:start + 50]:
                port_out.send(message)
            # At most 100 in flight, below the 200 events an ALSA client's input holds.
            wait_until(lambda: arrived() >= start - 50, timeout=5)
            time.sleep(0.01)

    sinks = receive_while_switching_callbacks(port_in, sender, len(messages))
    assert_each_once_in_order(messages, sinks)


def test_blocking_receive_wakes_when_another_thread_sends(loop):
    port_in, port_out = loop
    timer = threading.Timer(0.3, port_out.send, [Message("note_on", note=42)])
    start = time.monotonic()
    timer.start()
    try:
        message = port_in.receive()
    finally:
        timer.join()
    elapsed = time.monotonic() - start
    assert message == Message("note_on", note=42)
    assert 0.25 < elapsed < 0.6


def test_close_from_another_thread_ends_a_blocked_receive(loop):
    port_in, _ = loop
    error, seconds = blocked_receive_error(port_in, port_in.close)
    assert seconds < 0.3
    assert isinstance(error, PortClosedError)
    assert backend.get_devices()[1]["opened"] is False


def test_closing_a_port_with_a_callback_stops_it():
    port_in = backend.Input(LOOP, callback=lambda message: None)
    time.sleep(0.05)
    thread = port_in._dispatch_thread
    assert thread.is_alive()
    port_in.close()
    assert not thread.is_alive() and port_in._dispatch_thread is None


# ---- errors ----------------------------------------------------------------------------------------------------

def test_unknown_names_list_the_ports_and_start_as_in_mido():
    from mido.backends import pygame as mido_pygame
    with pytest.raises(OSError) as info:
        backend.Input("nope")
    assert str(info.value) == f"unknown port: 'nope' (pygame.midi input ports: {LOOP!r})"
    with pytest.raises(OSError) as theirs:
        mido_pygame.Input("nope")
    assert str(info.value).startswith(str(theirs.value))
    with pytest.raises(OSError) as info:
        Backend("pygame").open_output("nope")
    assert str(info.value) == f"unknown port: 'nope' (pygame.midi output ports: {LOOP!r})"


def test_without_devices():
    # A process without the stand-in: no ALSA sequencer here, so PortMidi finds no device.
    environment = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
    code = (
        "from midox.backends import pygame as backend\n"
        "print(backend.get_devices())\n"
        "for open_port in (backend.Input, lambda: backend.Output('x')):\n"
        "    try:\n"
        "        open_port()\n"
        "    except OSError as error:\n"
        "        print(error)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    if not os.path.exists("/dev/snd/seq"):
        assert result.stdout.splitlines() == [
            "[]",
            "no default port found (there are no pygame.midi input ports)",
            "unknown port: 'x' (there are no pygame.midi output ports)",
        ]


def test_port_already_opened_as_in_mido(loop):
    with pytest.raises(OSError) as info:
        backend.Input(LOOP)
    assert str(info.value) == f"port already opened: {LOOP!r}"
    with pytest.raises(OSError) as info:
        backend.Output()
    assert str(info.value) == f"output port {LOOP!r} is already open"


def test_virtual_ports_are_refused():
    from mido.backends import pygame as mido_pygame
    for port_class in (backend.Input, backend.Output):
        with pytest.raises(OSError) as info:
            port_class("midox virtual", virtual=True)
        assert isinstance(info.value, ValueError)       # what mido raises
        assert str(info.value) == "virtual ports are not supported by the Pygame backend"
    with pytest.raises(ValueError) as theirs:
        mido_pygame.Input("midox virtual", virtual=True)
    assert str(theirs.value) == str(info.value)
    with pytest.raises(OSError):
        Backend("pygame").open_ioport("x", virtual=True)


def test_closed_ports_and_wrong_arguments(loop):
    port_in, port_out = loop
    with pytest.raises(TypeError):
        port_out.send("note_on")
    port_in.close()
    port_out.close()
    with pytest.raises(PortClosedError):
        port_out.send(Message("clock"))
    with pytest.raises(PortClosedError):
        port_in.receive()
    assert port_in.poll() is None


def test_pygame_errors_become_os_errors(loop, monkeypatch):
    port_in, port_out = loop

    def fail(exception):
        def method(*args):
            raise exception
        return method

    # pygame.midi raises MidiException, its PortMidi layer a plain Exception with PortMidi's error text
    monkeypatch.setattr(port_out._port, "write_short", fail(midi.MidiException("midi not open.")))
    with pytest.raises(OSError, match=f"^sending to {LOOP!r} failed: midi not open.$"):
        port_out.send(Message("clock"))
    monkeypatch.setattr(port_in._port, "poll", fail(Exception(b"PortMidi: Bad pointer")))
    with pytest.raises(OSError, match=f"^reading {LOOP!r} failed: PortMidi: Bad pointer$"):
        port_in.receive(block=False)
    monkeypatch.setattr(port_out._port, "write_short", fail(ValueError("not a pygame error")))
    with pytest.raises(ValueError, match="not a pygame error"):
        port_out.send(Message("clock"))


# ---- the backend registry --------------------------------------------------------------------------------------

def test_registry_opens_ports_and_pairs_an_ioport(restore_backend):
    midox.set_backend("pygame")
    assert midox.get_input_names() == [LOOP]
    with midox.open_input() as port_in, midox.open_output() as port_out:
        assert port_in.name == port_out.name == LOOP
        port_out.send(Message("note_on", note=5))
        assert port_in.receive() == Message("note_on", note=5)
    registry = Backend("midox.backends.pygame", load=True)
    assert repr(registry) == "<backend midox.backends.pygame (loaded)>"
    with registry.open_ioport(LOOP) as port:
        assert port.name == f"{LOOP} + {LOOP}"       # an Input and an Output paired, as in mido
        port.send(Message("control_change", control=1, value=2))
        assert port.receive() == Message("control_change", control=1, value=2)
        port.send(Message("sysex", data=range(100)))
        assert port.receive() == Message("sysex", data=range(100))
    got = []
    with registry.open_input(LOOP, callback=got.append), registry.open_output(LOOP) as port_out:
        port_out.send(Message("stop"))
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.001)
    assert got == [Message("stop")]


def test_backend_from_the_environment_in_a_fresh_process_prints_no_banner():
    result = run_python(
        "import os, midox\n"
        "print(midox.backend.name, midox.get_input_names(), midox.get_output_names())\n"
        "print('PYGAME_HIDE_SUPPORT_PROMPT' in os.environ)\n"
        "with midox.open_output() as out, midox.open_input() as inp:\n"
        "    out.send(midox.Message('program_change', program=7))\n"
        "    print(inp.receive())\n"
        "left_open = midox.open_input()   # closed at exit, after pygame.midi.quit(): no error\n",
        MIDOX_BACKEND="pygame")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # pygame's banner ("pygame 2.x (SDL ...)", "Hello from the pygame community ...") is not printed
    assert result.stdout.splitlines() == [
        f"midox.backends.pygame [{LOOP!r}] [{LOOP!r}]",
        "False",
        "program_change channel=0 program=7 time=0",
    ]


def test_users_banner_setting_is_kept():
    result = run_python("import os, midox.backends.pygame\nprint(os.environ['PYGAME_HIDE_SUPPORT_PROMPT'])",
                        PYGAME_HIDE_SUPPORT_PROMPT="yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "yes\n"


def test_pygame_midi_is_initialized_once_by_concurrent_first_uses():
    result = run_python(
        "import threading, pygame.midi\n"
        "calls = []\n"
        "initialize = pygame.midi._pypm.Initialize\n"
        "def counting():\n"
        "    calls.append(1)\n"
        "    threading.Event().wait(0.05)\n"
        "    initialize()\n"
        "pygame.midi._pypm.Initialize = counting\n"
        "from midox.backends import pygame as backend\n"
        "barrier = threading.Barrier(8)\n"
        "results = []\n"
        "def first_use():\n"
        "    barrier.wait()\n"
        "    results.append(len(backend.get_devices()))\n"
        "threads = [threading.Thread(target=first_use) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(calls), results)\n",
        PYGAME_HIDE_SUPPORT_PROMPT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"1 {[2] * 8}\n"


def test_backend_unavailable_without_pygame(monkeypatch):
    import midox.backends
    # As if pygame was not installed (None in sys.modules makes its import fail).
    monkeypatch.setitem(sys.modules, "pygame", None)
    monkeypatch.setitem(sys.modules, "pygame.midi", None)
    monkeypatch.delitem(sys.modules, "midox.backends.pygame")
    monkeypatch.delattr(midox.backends, "pygame", raising=False)
    with pytest.raises(BackendUnavailable) as info:
        importlib.import_module("midox.backends.pygame")
    assert isinstance(info.value, ImportError)
    assert "pip install 'midox[pygame]'" in str(info.value)
    assert str(info.value).startswith("pygame is not installed (")
    assert info.value.name == "midox.backends.pygame"
    assert "PYGAME_HIDE_SUPPORT_PROMPT" not in os.environ
    with pytest.raises(BackendUnavailable):
        Backend("pygame").load()


# ---- mido's pygame backend on the same pygame.midi -------------------------------------------------------------
#
# pygame.midi cannot close a device, so a device that mido's ports used stays open for the rest of the process:
# mido's ports run in fresh processes.

MIDO_PREAMBLE = """
import json, time
import mido
from mido.backends import pygame as mido_pygame
LOOP = "Midi Through Port-0"

def mido_receive_all(port, count, timeout=5.0):
    received = []
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        message = port.poll()
        if message is None:
            time.sleep(0.001)
        else:
            received.append(message.bytes())
    return received
"""


def mido_child(body, **env):
    """Run MIDO_PREAMBLE + body in a fresh process; return the JSON it printed last."""
    result = run_python(MIDO_PREAMBLE + body, PYGAME_HIDE_SUPPORT_PROMPT="1", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])


TRAFFIC = EVERY_TYPE + [Message("sysex", data=[(i * 3) % 128 for i in range(1500)]), Message("active_sensing"),
                      Message("note_on", note=99)]
RECEIVED = [message for message in TRAFFIC if message.type != "active_sensing"]


def test_same_traffic_gives_the_same_messages_as_mido():
    theirs = mido_child(f"""
traffic = [mido.Message.from_bytes(data) for data in {[message.bytes() for message in TRAFFIC]!r}]
with mido_pygame.Input(LOOP) as port_in, mido_pygame.Output(LOOP) as port_out:
    for message in traffic:
        port_out.send(message)
    print(json.dumps(mido_receive_all(port_in, {len(RECEIVED)})))
""")
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        for message in TRAFFIC:
            port_out.send(message)
        ours = [message.bytes() for message in receive_all(port_in, len(RECEIVED))]
    assert ours == theirs == [message.bytes() for message in RECEIVED]


def test_mido_and_midox_ports_talk_to_each_other():
    code = f"""
from midox.backends import pygame as backend
import midox
sent = {[message.bytes() for message in EVERY_TYPE]!r}
if MIDO_SENDS:
    with backend.Input(LOOP) as port_in, mido_pygame.Output(LOOP) as port_out:
        for data in sent:
            port_out.send(mido.Message.from_bytes(data))
        received = mido_receive_all(port_in, len(sent))     # works with midox's port too
else:
    with backend.Output(LOOP) as port_out, mido_pygame.Input(LOOP) as port_in:
        for data in sent:
            port_out.send(midox.Message.from_bytes(data))
        received = mido_receive_all(port_in, len(sent))
print(json.dumps(received))
"""
    expected = [message.bytes() for message in EVERY_TYPE]
    assert mido_child("MIDO_SENDS = True\n" + code) == expected
    assert mido_child("MIDO_SENDS = False\n" + code) == expected


def test_mido_cannot_open_a_closed_port_again_midox_can():
    got = mido_child("""
from midox.backends import pygame as backend
mido_pygame.Output(LOOP).close()
try:
    mido_pygame.Output(LOOP)
    mido_error = None
except OSError as error:
    mido_error = str(error)
for _ in range(3):
    backend.Input(LOOP).close()
with backend.Input(LOOP):
    opened = [device["opened"] for device in backend.get_devices()]
print(json.dumps({"mido": mido_error, "opened": opened,
                  "closed": [device["opened"] for device in backend.get_devices()]}))
""")
    # the output device stays open after mido closed its port; the input is free whenever midox's port is closed
    assert got == {"mido": f"port already opened: {LOOP!r}", "opened": [True, True], "closed": [True, False]}


def test_mido_refuses_callbacks_midox_takes_them():
    from mido.backends import pygame as mido_pygame
    with pytest.raises(ValueError, match="callbacks are not supported"):
        mido_pygame.Input(LOOP, callback=print)
    with backend.Input(LOOP, callback=print) as port_in:
        assert port_in.callback is print
