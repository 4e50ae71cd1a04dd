"""The PortMidi backend: what needs no MIDI device here, and the device tests in tests/standin in a child.

tests/standin drives the real libportmidi over tests/alsaseq's userspace ALSA sequencer, which must be
preloaded into the process: test_device_tests_under_the_alsa_sequencer_stand_in runs them that way.
"""
import importlib
import importlib.machinery
import os
import pathlib
import subprocess
import sys

import pytest

from midox.backends import BackendUnavailable, _portmidi, portmidi
from midox.backends.backend import Backend, VirtualPortsUnsupported

ROOT = pathlib.Path(__file__).resolve().parent.parent

UNDER_STANDIN = "fakeseq" in os.environ.get("LD_PRELOAD", "")
HAS_SEQUENCER = os.path.exists("/dev/snd/seq") or UNDER_STANDIN
no_devices = pytest.mark.skipif(HAS_SEQUENCER, reason="this machine has an ALSA sequencer: there may be devices")


def test_binding_is_a_compiled_extension():
    assert _portmidi.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    assert portmidi._portmidi is _portmidi
    assert issubclass(_portmidi.PortMidiError, OSError)


def test_the_binding_offers_what_its_docstring_lists():
    assert sorted(_portmidi.__all__) == [
        "DEFAULT_INPUT_BUFFER_SIZE", "HAS_VIRTUAL", "PortMidiError", "Stream", "default_input_id",
        "default_output_id", "get_device_info", "get_devices", "open_input", "open_output", "open_stream_count",
        "open_virtual_input", "open_virtual_output", "refresh"]
    assert sorted(name for name in vars(_portmidi.Stream) if not name.startswith("_")) == [
        "close", "closed", "device_id", "interrupt", "is_input", "is_output", "read", "virtual", "wait", "write"]


# ---- no devices ------------------------------------------------------------------------------------------------

@no_devices
def test_no_devices_without_a_sequencer():
    assert portmidi.get_devices() == []
    assert _portmidi.get_devices() == []
    assert _portmidi.default_input_id() == _portmidi.NO_DEVICE == -1
    assert _portmidi.default_output_id() == -1
    assert _portmidi.get_device_info(0) is None
    assert Backend("portmidi").get_input_names() == []


@no_devices
def test_opening_a_port_without_devices():
    with pytest.raises(OSError) as info:
        portmidi.Input()
    assert str(info.value) == "no default port found (there are no PortMidi input ports)"
    with pytest.raises(OSError) as info:
        portmidi.Output(None)
    assert str(info.value) == "no default port found (there are no PortMidi output ports)"
    with pytest.raises(OSError) as info:
        Backend("portmidi").open_input("SH-201")
    assert str(info.value) == "unknown port 'SH-201' (there are no PortMidi input ports)"
    with pytest.raises(OSError) as info:
        _portmidi.open_output(0)
    assert str(info.value) == "PortMidi: `Invalid device ID'"
    assert info.value.code == _portmidi.INVALID_DEVICE_ID
    assert _portmidi.open_stream_count() == 0


@pytest.mark.skipif(_portmidi.HAS_VIRTUAL, reason="PortMidi 2 creates virtual ports")
def test_virtual_ports_need_portmidi_2():
    for name in ("midox", None):
        with pytest.raises(VirtualPortsUnsupported) as info:
            portmidi.Input(name, virtual=True)
        assert isinstance(info.value, OSError) and isinstance(info.value, ValueError)   # mido: ValueError
        assert str(info.value).startswith("virtual ports need PortMidi 2.0 or newer")
    with pytest.raises(OSError, match="^virtual ports need PortMidi 2.0 or newer"):
        _portmidi.open_virtual_output("midox")


def test_argument_checks():
    with pytest.raises(ValueError):
        _portmidi.open_input(0, buffer_size=0)
    with pytest.raises(ValueError):
        _portmidi.open_output(0, latency=-1)
    with pytest.raises(TypeError):
        _portmidi.Stream()


def test_without_the_binding_the_module_imports_and_fails_at_first_use(monkeypatch):
    import midox.backends
    # As if the binding was never built (None in sys.modules makes its import fail).
    monkeypatch.setitem(sys.modules, "midox.backends._portmidi", None)
    monkeypatch.delattr(midox.backends, "_portmidi")
    monkeypatch.delitem(sys.modules, "midox.backends.portmidi")
    module = importlib.import_module("midox.backends.portmidi")     # as mido's imports without PortMidi
    error = module.load_error
    assert isinstance(error, BackendUnavailable) and isinstance(error, ImportError)
    assert str(error).startswith(
        "the PortMidi backend needs midox's PortMidi binding (midox.backends._portmidi), which is built only "
        "when PortMidi is installed: install PortMidi (libportmidi-dev on Debian and Ubuntu, portmidi in "
        "Homebrew, MacPorts or vcpkg), then reinstall midox (")
    assert isinstance(error.__cause__, ImportError)
    assert error.name == "midox.backends.portmidi"
    for first_use in (module.get_devices, module.Input, lambda: module.Output("x")):
        with pytest.raises(BackendUnavailable) as info:
            first_use()
        assert info.value is error
    named = Backend("portmidi", load=True)          # a named backend loads; using it raises
    with pytest.raises(BackendUnavailable):
        named.get_input_names()
    # The default search skips it, and says why when nothing else loads.
    monkeypatch.setattr(midox.backends.backend, "DEFAULT_BACKENDS", ("midox.backends.portmidi",))
    with pytest.raises(BackendUnavailable) as info:
        Backend().load()
    assert info.value.errors == [("midox.backends.portmidi", error)]


# ---- the build -------------------------------------------------------------------------------------------------

def test_stub_matches_the_binding():
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "midox.backends._portmidi"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_fails_loudly_when_portmidi_is_required_and_missing(tmp_path):
    env = dict(os.environ, MIDOX_PORTMIDI="required", MIDOX_PORTMIDI_PREFIX=str(tmp_path / "nowhere"))
    result = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--build-lib", str(tmp_path / "lib"),
         "--build-temp", str(tmp_path / "temp")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert result.returncode != 0
    assert f"midox: PortMidi not found (MIDOX_PORTMIDI_PREFIX={tmp_path / 'nowhere'}: " in result.stderr
    assert ("Install libportmidi-dev / portmidi and reinstall, or set MIDOX_PORTMIDI_PREFIX "
            "(MIDOX_PORTMIDI=required)") in result.stderr
    assert not list(tmp_path.glob("lib/**/*.so")) and not list(tmp_path.glob("lib/**/*.pyd"))


# ---- the device tests ------------------------------------------------------------------------------------------

def test_device_tests_under_the_alsa_sequencer_stand_in():
    import alsaseq_standin
    env = alsaseq_standin.environ()
    env.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/standin", "-q", "-p", "no:cacheprovider"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, output
    assert " passed" in output and "skipped" not in output, output
