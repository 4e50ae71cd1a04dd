"""midox.backends.pygame through the real pygame.midi (pygame's bundled PortMidi and libasound): what only this
backend does (device list, PortMidi streams pygame.midi cannot close, pygame's banner and errors, the registry).
The port scenarios every backend shares are in test_port_scenarios.py; unpacking PortMidi events is tested with
the shared C module in test_pmevents.py.

Device tests (see conftest.py): the ALSA sequencer stand-in's loopback "Midi Through Port-0" gives back on the
input what is sent on the output; pygame.midi lists it as output device 0 and input device 1. mido 1.3.3's pygame
backend is compared in fresh processes (pygame_children.py).
"""
import importlib
import os
import subprocess
import sys
import time

import pytest

from pygame_children import SDL_DUMMY, mido_child, run_python
from port_traffic import numbered, receive_all

# pygame.midi needs no display or sound device; SDL must not look for one. Set before pygame is imported.
for _key, _value in SDL_DUMMY.items():
    os.environ.setdefault(_key, _value)

pytest.importorskip("pygame", reason="pygame is not installed (pip install 'midox[pygame]')")

import child_process  # noqa: E402
import midox  # noqa: E402
from midox import Message  # noqa: E402
from midox.backends import BackendUnavailable  # noqa: E402
from midox.backends import pygame as backend  # noqa: E402
from midox.backends.backend import Backend  # noqa: E402

pytestmark = pytest.mark.standin

midi = backend.midi
LOOP = "Midi Through Port-0"


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


def test_options_of_other_backends_are_ignored():
    with backend.Input(LOOP, client_name="x", buffer_size=10) as port_in, backend.Output(LOOP, api="x") as port_out:
        port_out.send(Message("start"))
        assert receive_all(port_in, 1) == [Message("start")]


# ---- round trips (the others: test_port_scenarios.py) --------------------------------------------------------

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


# ---- errors ----------------------------------------------------------------------------------------------------

def test_without_devices():
    # A process without the stand-in: no ALSA sequencer here, so PortMidi finds no device. Only the stand-in
    # leaves LD_PRELOAD: a sanitizer runtime preloaded by tools/sanitize.sh must stay.
    preload = " ".join(item for item in os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
                       if "fakeseq" not in item)
    environment = dict(os.environ, LD_PRELOAD=preload)
    code = (
        "from midox.backends import pygame as backend\n"
        "print(backend.get_devices())\n"
        "for open_port in (backend.Input, lambda: backend.Output('x')):\n"
        "    try:\n"
        "        open_port()\n"
        "    except OSError as error:\n"
        "        print(error)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                            cwd=child_process.NEUTRAL_CWD, timeout=60)
    assert result.returncode == 0, result.stderr
    if not os.path.exists("/dev/snd/seq"):
        assert result.stdout.splitlines() == [
            "[]",
            "no default port found (there are no pygame.midi input ports)",
            "unknown port: 'x' (there are no pygame.midi output ports)",
        ]


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


# ---- mido's pygame backend on the same pygame.midi (in fresh processes) -------------------------------------

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
