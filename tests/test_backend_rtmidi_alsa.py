"""midox.backends.rtmidi through ALSA: what only this backend does (API choice, ALSA port names, virtual ports,
timestamps, RtMidi's threads). The port scenarios every backend shares are in test_port_scenarios.py.

python-rtmidi's wheel links the system libasound, which the ALSA sequencer stand-in serves (device tests, see
conftest.py): RtMidi's default API is then LINUX_ALSA, and the loopback port "Midi Through Port-0" (client 14,
port 0) gives back on the input what is sent on the output. An ALSA client's input holds 200 events, as in the
kernel: tests keep fewer than that in flight.

Two tests run in a child process: closing inputs while messages arrive (a deadlock when Python runs on
RtMidi's thread, as mido's callbacks do), and a failed open (a leaked client would show in other port lists).
"""
import gc
import subprocess
import sys
import textwrap
import time

import pytest

from port_traffic import EVERY_TYPE, numbered, receive_all, wait_until

rtmidi = pytest.importorskip("rtmidi", reason="python-rtmidi is not installed (pip install 'midox[rtmidi]')")

import child_process  # noqa: E402
from midox import Message  # noqa: E402
from midox.backends import rtmidi as backend  # noqa: E402
from midox.backends.backend import Backend  # noqa: E402

pytestmark = pytest.mark.standin

LOOP = "Midi Through Port-0"
LOOP_CLIENT = "Midi Through:Midi Through Port-0"
LOOP_FULL = "Midi Through:Midi Through Port-0 14:0"

ALSA = Backend("rtmidi/LINUX_ALSA")


@pytest.fixture(autouse=True)
def no_rtmidi_port_left_open():
    yield
    # RtMidi's clients list their own ports while they exist: only the loopback is left. (gc: a closed port of
    # mido's keeps its RtMidi client, and so its ALSA port, until it is collected.)
    gc.collect()
    assert [device["name"] for device in backend.get_devices()] == [LOOP_FULL]


# ---- the API, names and opening --------------------------------------------------------------------------------

def test_default_api_is_alsa_under_the_stand_in():
    assert "LINUX_ALSA" in backend.get_api_names()
    assert rtmidi.MidiIn().get_current_api() == rtmidi.API_LINUX_ALSA
    with Backend("rtmidi").open_input() as port_in, Backend("rtmidi").open_output() as port_out:
        assert port_in.api == port_out.api == "LINUX_ALSA"
        assert repr(port_in) == f"<open input {LOOP_FULL!r} (RtMidi/LINUX_ALSA)>"
        assert repr(port_out) == f"<open output {LOOP_FULL!r} (RtMidi/LINUX_ALSA)>"
    assert backend._default_api(rtmidi.MidiIn) == rtmidi.API_LINUX_ALSA
    assert "why" not in backend._default          # no fallback to JACK happened


def test_port_names_carry_client_and_numbers():
    for registry in (Backend("rtmidi"), ALSA, Backend("mido.backends.rtmidi")):
        assert registry.get_input_names() == [LOOP_FULL]
        assert registry.get_output_names() == [LOOP_FULL]
        assert registry.get_ioport_names() == [LOOP_FULL]
    assert backend.get_devices() == [{"name": LOOP_FULL, "is_input": True, "is_output": True}]
    assert backend.get_devices(api="LINUX_ALSA") == backend.get_devices()


def test_names_match_mido():
    import mido
    theirs = mido.Backend("mido.backends.rtmidi")
    assert theirs.get_input_names() == ALSA.get_input_names()
    assert theirs.get_output_names() == ALSA.get_output_names()


@pytest.mark.parametrize("name", [LOOP, LOOP_CLIENT, LOOP_FULL, None])
def test_open_by_short_names(name):
    with ALSA.open_input(name) as port_in, ALSA.open_output(name) as port_out:
        assert port_in.name == port_out.name == LOOP_FULL
        port_out.send(Message("note_on", note=3))
        assert receive_all(port_in, 1) == [Message("note_on", note=3)]


def test_open_ioport_pairs_an_input_and_an_output():
    with ALSA.open_ioport(LOOP) as port:
        assert port.name == f"{LOOP_FULL} + {LOOP_FULL}"
        port.send(Message("control_change", control=1, value=2))
        assert receive_all(port, 1) == [Message("control_change", control=1, value=2)]


def test_unknown_port_is_not_taken_for_a_similar_name():
    # (an unknown name's error in general: test_port_scenarios.py)
    with pytest.raises(OSError, match="^unknown port 'Midi Through Port-1'"):
        backend.Output("Midi Through Port-1")


# ---- round trips through the loopback --------------------------------------------------------------------------

def test_real_time_inside_a_long_sysex_is_reassembled_mido_loses_both():
    """Every byte RtMidi delivers goes through the parser (docs/differences.md, difference 11), over ALSA: RtMidi
    hands over what ALSA gives it. PortMidi (here pygame's, through midox's pygame backend) sends a long sysex
    in 1024-byte events, and a clock byte in the middle as an event of its own; RtMidi then delivers
    [F0 ... F8] and [... F7] as two chunks. midox's parser, kept across chunks, gives the clock and the whole
    sysex; mido parses each chunk on its own and loses both."""
    import mido
    pytest.importorskip("pygame", reason="pygame is not installed (pip install 'midox[pygame]')")
    from midox.backends import pygame as pygame_backend
    data = [(i * 5) % 128 for i in range(1500)]
    raw = bytes([0xF0, *data[:1100], 0xF8, *data[1100:], 0xF7])
    # The pygame output is closed last: closing midox's last pygame port restarts PortMidi, whose device list is
    # read then and kept, and it must not list the RtMidi clients' ports (mido's until collected).
    with pygame_backend.Output(LOOP) as port_out:
        with mido.Backend("mido.backends.rtmidi/LINUX_ALSA").open_input(LOOP) as mido_in, \
                ALSA.open_input(LOOP) as port_in:
            port_out._port.write_sys_ex(0, raw)        # pygame.midi writes raw bytes, F8 included
            port_out.send(Message("note_on", note=7))
            assert receive_all(port_in, 3) == [Message("clock"), Message("sysex", data=data),
                                               Message("note_on", note=7)]
            assert [message.bytes() for message in receive_all(mido_in, 1)] == [[0x90, 7, 64]]
            assert mido_in.poll() is None
        del mido_in, port_in
        gc.collect()


# ---- RtMidi's threads ------------------------------------------------------------------------------------------

def test_a_busy_program_loses_nothing():
    """RtMidi's thread drains ALSA into RtMidi's queue without the GIL, so a program that keeps the GIL busy
    and reads only at the end gets everything. (A callback on RtMidi's thread would wait for the GIL while
    more than the ALSA client's 200 events pile up, and the kernel would drop them.)"""
    with backend.Input(LOOP) as port_in, backend.Output(LOOP) as port_out:
        messages = numbered(800)
        for start in range(0, len(messages), 100):
            for message in messages[start:start + 100]:
                port_out.send(message)
            deadline = time.monotonic() + 0.05
            while time.monotonic() < deadline:
                pass    # pure Python work: the GIL stays with this thread
        assert receive_all(port_in, len(messages)) == messages


CLOSE_UNDER_TRAFFIC = r'''
import faulthandler, sys, threading, time
from midox import Message
from midox.backends import rtmidi as backend

faulthandler.dump_traceback_later(15, exit=True)    # a deadlock ends the process with exit code 1
LOOP = "Midi Through Port-0"
port_out = backend.Output(LOOP)
stop = threading.Event()

def sender():
    n = 0
    while not stop.is_set():
        port_out.send(Message("note_on", note=n % 128))
        n += 1
        if n % 20 == 0:
            time.sleep(0.0005)

thread = threading.Thread(target=sender)
thread.start()
for cycle in range(40):
    port_in = backend.Input(LOOP, callback=(lambda message: None) if cycle % 2 else None)
    time.sleep(0.002)
    port_in.close()         # messages keep arriving meanwhile
stop.set()
thread.join()
port_out.close()
print("closed 40 inputs")
'''


def test_closing_an_input_while_messages_arrive_does_not_deadlock():
    """python-rtmidi's close_port() and delete() join RtMidi's input thread with the GIL held. Were that thread
    waiting for the GIL to run a Python callback, both would wait for ever (mido 1.3.3 hangs so when a callback
    is set); midox runs no Python on RtMidi's thread."""
    result = subprocess.run([sys.executable, "-c", CLOSE_UNDER_TRAFFIC], capture_output=True, text=True,
                            cwd=child_process.NEUTRAL_CWD, timeout=120)
    assert result.returncode == 0 and result.stdout == "closed 40 inputs\n", (
        "closing an ALSA input while messages arrive deadlocked (python-rtmidi's close_port() joins RtMidi's "
        "input thread with the GIL held):\n"
        + result.stdout + textwrap.indent(result.stderr, "    "))


FAILED_OPEN = r'''
from midox.backends import rtmidi as backend
try:
    backend.Input("Midi Through Port-0", callback=42)
except TypeError as error:
    print("TypeError:", error)
import gc
gc.collect()
print([device["name"] for device in backend.get_devices()])
'''


def test_a_failed_open_leaves_no_client_open():
    """A callback that is not callable is refused before an RtMidi client exists, so no ALSA port is left
    behind. (In a child: a leaked client would show in the other tests' port lists.)"""
    result = subprocess.run([sys.executable, "-c", FAILED_OPEN], capture_output=True, text=True,
                            cwd=child_process.NEUTRAL_CWD, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"TypeError: callback must be callable or None\n[{LOOP_FULL!r}]\n"


# ---- virtual ports ---------------------------------------------------------------------------------------------

def test_virtual_input_is_found_by_its_short_name():
    with backend.Input("midox in", virtual=True) as port_in:
        assert port_in.name == "midox in"
        [full] = [name for name in ALSA.get_output_names() if ":midox in " in name]
        assert full.startswith("RtMidiIn Client:midox in ")
        with backend.Output("midox in") as port_out:
            assert port_out.name == full
            for message in EVERY_TYPE:
                port_out.send(message)
            assert receive_all(port_in, len(EVERY_TYPE)) == EVERY_TYPE


def test_virtual_output_with_a_client_name():
    with backend.Output("midox out", virtual=True, client_name="midox-client") as port_out:
        [full] = [name for name in ALSA.get_input_names() if name.startswith("midox-client:midox out ")]
        for name in (full, "midox-client:midox out", "midox out"):
            with backend.Input(name) as port_in:
                assert port_in.name == full
                port_out.send(Message("sysex", data=[9] * 1200))
                assert receive_all(port_in, 1) == [Message("sysex", data=[9] * 1200)]


def test_client_name_makes_the_port_virtual_as_in_mido():
    with backend.Input("vin", client_name="midox-cn") as port_in:
        assert port_in.name == "vin"
        assert any(name.startswith("midox-cn:vin ") for name in ALSA.get_output_names())


def test_virtual_port_needs_a_name():
    with pytest.raises(OSError, match="virtual port must have a name"):
        ALSA.open_input(virtual=True)
    with pytest.raises(OSError, match="virtual port must have a name"):
        backend.Output(None, virtual=True)


def test_virtual_ioport_through_the_registry():
    with ALSA.open_ioport("midox io", virtual=True) as io:
        with ALSA.open_output("midox io") as peer_out, ALSA.open_input("midox io") as peer_in:
            peer_out.send(Message("song_select", song=3))
            io.send(Message("songpos", pos=9))
            assert receive_all(io, 1) == [Message("song_select", song=3)]
            assert receive_all(peer_in, 1) == [Message("songpos", pos=9)]


# ---- timestamps ------------------------------------------------------------------------------------------------

def test_timestamps_carry_alsas_delta_times():
    with backend.Input(LOOP, timestamps=True) as stamped, backend.Input(LOOP) as plain, \
            backend.Output(LOOP) as port_out:
        port_out.send(Message("note_on"))
        time.sleep(0.3)
        port_out.send(Message("note_off"))
        port_out.send(Message("clock"))
        first, second, third = receive_all(stamped, 3)
        assert [m.time for m in receive_all(plain, 3)] == [0, 0, 0]
    assert (first.type, second.type, third.type) == ("note_on", "note_off", "clock")
    assert 0.25 < second.time < 0.4
    assert 0 <= third.time < 0.05


def test_timestamps_with_a_callback():
    got = []
    with backend.Input(LOOP, timestamps=True, callback=got.append), backend.Output(LOOP) as port_out:
        port_out.send(Message("start"))
        time.sleep(0.2)
        port_out.send(Message("stop"))
        assert wait_until(lambda: len(got) == 2)
    assert 0.15 < got[1].time < 0.3
