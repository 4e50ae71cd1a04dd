"""The PortMidi backend: what needs no MIDI device. The device tests (the real libportmidi over tests/alsaseq's
userspace ALSA sequencer, which the whole session runs under: see conftest.py) are test_portmidi_binding.py,
test_backend_portmidi_ports.py and the portmidi case of test_port_scenarios.py; the no-device case is
test_backend_portmidi_ports.py::test_no_devices_without_a_sequencer.
"""
import importlib
import importlib.machinery
import os
import pathlib
import subprocess
import sys

import pytest

import child_process
from package_layout import installed_stubs
from midox.backends import BackendUnavailable, portmidi
from midox.backends.backend import Backend, VirtualPortsUnsupported

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def _portmidi():
    """The binding; its tests skip when it was not built (MIDOX_PORTMIDI=off, or no PortMidi at install)."""
    return pytest.importorskip("midox.backends._portmidi", reason="midox's PortMidi binding is not built (PortMidi "
                                                                  "was not found at install, or MIDOX_PORTMIDI=off)")


def test_binding_is_a_compiled_extension(_portmidi):
    assert _portmidi.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    assert portmidi._portmidi is _portmidi
    assert issubclass(_portmidi.PortMidiError, OSError)


def test_the_binding_offers_what_its_docstring_lists(_portmidi):
    assert sorted(_portmidi.__all__) == [
        "DEFAULT_INPUT_BUFFER_SIZE", "HAS_VIRTUAL", "PortMidiError", "Stream", "default_input_id",
        "default_output_id", "get_device_info", "get_devices", "open_input", "open_output", "open_stream_count",
        "open_virtual_input", "open_virtual_output", "refresh"]
    assert sorted(name for name in vars(_portmidi.Stream) if not name.startswith("_")) == [
        "close", "closed", "device_id", "interrupt", "is_input", "is_output", "read", "virtual", "wait", "write"]


def test_virtual_ports_need_portmidi_2(_portmidi):
    if _portmidi.HAS_VIRTUAL:
        pytest.skip("PortMidi 2 creates virtual ports")
    for name in ("midox", None):
        with pytest.raises(VirtualPortsUnsupported) as info:
            portmidi.Input(name, virtual=True)
        assert isinstance(info.value, OSError) and isinstance(info.value, ValueError)   # mido: ValueError
        assert str(info.value).startswith("virtual ports need PortMidi 2.0 or newer")
    with pytest.raises(OSError, match="^virtual ports need PortMidi 2.0 or newer"):
        _portmidi.open_virtual_output("midox")


def test_argument_checks(_portmidi):
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
    monkeypatch.delattr(midox.backends, "_portmidi", raising=False)
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

def test_stub_matches_the_binding(_portmidi, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "midox.backends._portmidi"],
                            capture_output=True, text=True, cwd=child_process.NEUTRAL_CWD, timeout=300,
                            env=dict(os.environ, MYPYPATH=str(installed_stubs(tmp_path))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 module" in result.stdout


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
