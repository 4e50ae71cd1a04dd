"""midox.backends.portmidi (the port API and the backend registry) against the real libportmidi: what only this
backend does (its device list, options, PortMidi 2's virtual ports, port lifetime, the registry). The port
scenarios every backend shares are in test_port_scenarios.py.

Device tests (see conftest.py): the ALSA sequencer stand-in's loopback "Midi Through Port-0" gives back on the
input what is sent on the output. mido 1.3.3's own PortMidi backend (ctypes, the same libportmidi) runs in the
same process for comparison.
"""
import json
import os
import subprocess
import sys
import time

import pytest

from port_traffic import receive_all

_portmidi = pytest.importorskip(
    "midox.backends._portmidi", reason="midox's PortMidi binding is not built (PortMidi was not found when midox "
                                       "was installed, or MIDOX_PORTMIDI=off)")

import child_process  # noqa: E402
import midox  # noqa: E402
from midox import Message  # noqa: E402
from midox.backends import portmidi  # noqa: E402
from midox.backends.backend import Backend  # noqa: E402

pytestmark = pytest.mark.standin

LOOP = "Midi Through Port-0"


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


# ---- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.skipif(_portmidi.HAS_VIRTUAL, reason="PortMidi 2 creates virtual ports")
def test_virtual_ports_need_portmidi_2():
    for cls in (portmidi.Input, portmidi.Output):
        with pytest.raises(OSError) as info:
            cls("midox virtual", virtual=True)
        assert isinstance(info.value, ValueError)      # what mido 1.3.3 raises
        assert str(info.value) == (
            "virtual ports need PortMidi 2.0 or newer, and midox's PortMidi binding was built against "
            "PortMidi 217 (install PortMidi 2 and reinstall midox, or use the rtmidi backend)")
    assert _portmidi.open_stream_count() == 0


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
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                            cwd=child_process.NEUTRAL_CWD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"midox.backends.portmidi [{LOOP!r}] [{LOOP!r}]",
        "note_on channel=0 note=77 velocity=64 time=0",
    ]


# ---- without a sequencer ---------------------------------------------------------------------------------------

NO_DEVICES = r'''
import json
from midox.backends import _portmidi, portmidi
from midox.backends.backend import Backend
report = {"devices": portmidi.get_devices(),
          "defaults": [_portmidi.default_input_id(), _portmidi.default_output_id(), _portmidi.NO_DEVICE],
          "info": _portmidi.get_device_info(0), "names": Backend("portmidi").get_input_names(), "errors": []}
for attempt in (portmidi.Input, lambda: portmidi.Output(None), lambda: Backend("portmidi").open_input("SH-201")):
    try:
        attempt()
    except OSError as error:
        report["errors"].append(str(error))
try:
    _portmidi.open_output(0)
except OSError as error:
    report["errors"].append(str(error))
    report["code"] = error.code == _portmidi.INVALID_DEVICE_ID
report["streams"] = _portmidi.open_stream_count()
print(json.dumps(report))
'''


def test_no_devices_without_a_sequencer():
    """A process without the stand-in, on a machine without /dev/snd/seq: PortMidi finds no device."""
    if os.path.exists("/dev/snd/seq"):
        pytest.skip("this machine has an ALSA sequencer: there may be devices")
    preload = " ".join(item for item in os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
                       if "fakeseq" not in item)
    result = subprocess.run([sys.executable, "-c", NO_DEVICES], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, LD_PRELOAD=preload), cwd=child_process.NEUTRAL_CWD)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "devices": [], "defaults": [-1, -1, -1], "info": None, "names": [],
        "errors": ["no default port found (there are no PortMidi input ports)",
                   "no default port found (there are no PortMidi output ports)",
                   "unknown port 'SH-201' (there are no PortMidi input ports)",
                   "PortMidi: `Invalid device ID'"],
        "code": True, "streams": 0}
