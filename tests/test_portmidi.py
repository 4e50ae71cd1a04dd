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

import midox
from midox.backends import BackendUnavailable, _portmidi, portmidi
from midox.backends.backend import Backend

ROOT = pathlib.Path(__file__).resolve().parent.parent



def test_binding_is_a_compiled_extension():
    assert _portmidi.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    assert portmidi._portmidi is _portmidi
    assert _portmidi.HAS_VIRTUAL == _portmidi.PORTMIDI_2
    assert issubclass(_portmidi.PortMidiError, OSError)


@pytest.mark.skipif(_portmidi.HAS_VIRTUAL, reason="PortMidi 2 creates virtual ports")
def test_virtual_ports_need_portmidi_2():
    with pytest.raises(OSError) as info:
        portmidi.Input("midox", virtual=True)
    assert isinstance(info.value, ValueError)
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
    assert _portmidi.error_text(_portmidi.BAD_PTR).startswith("PortMidi: ")
    assert _portmidi.DEFAULT_SYSEX_BUFFER_SIZE == 1024


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


# ---- unpacking PmEvents ----------------------------------------------------------------------------------------

def words(data):
    return [int.from_bytes(bytes(data[i:i + 4]), "little") for i in range(0, len(data), 4)]


def unpack(messages, in_sysex=False):
    return _portmidi.unpack_events(messages, in_sysex)


def test_unpack_short_messages_takes_exactly_their_bytes():
    cases = [
        (0x403C90, b"\x90\x3c\x40"), (0x3C80, b"\x80\x3c\x00"), (0x7F07B0, b"\xb0\x07\x7f"),
        (0x05C0, b"\xc0\x05"), (0x33D2, b"\xd2\x33"), (0x4000E0, b"\xe0\x00\x40"), (0x2210A2, b"\xa2\x10\x22"),
        (0x23F1, b"\xf1\x23"), (0x2010F2, b"\xf2\x10\x20"), (0x05F3, b"\xf3\x05"), (0xF6, b"\xf6"),
        (0xF8, b"\xf8"), (0xFE, b"\xfe"), (0xFF, b"\xff"), (0xF4, b"\xf4"), (0xFD, b"\xfd"),
        # garbage in the unused high bytes is not MIDI data
        (0xAB403C90, b"\x90\x3c\x40"), (0xABCD05C0, b"\xc0\x05"), (0xABCDEFF8, b"\xf8"),
    ]
    for word, expected in cases:
        assert unpack([word]) == (expected, False), hex(word)
    assert unpack([word for word, _ in cases]) == (b"".join(expected for _, expected in cases), False)
    assert unpack([]) == (b"", False)


def test_unpack_sysex_of_every_length():
    for size in range(0, 20):
        message = bytes([0xF0, *range(size), 0xF7])
        packed = words(message)
        assert unpack(packed) == (message, False), size
        # and one word at a time, carrying the state
        data, in_sysex = b"", False
        for word in packed:
            chunk, in_sysex = unpack([word], in_sysex)
            data += chunk
        assert (data, in_sysex) == (message, False)
        # a message after it starts cleanly
        assert unpack(packed + [0x403C90]) == (message + b"\x90\x3c\x40", False)


def test_unpack_sysex_state_across_reads():
    message = bytes([0xF0, *range(1, 10), 0xF7])
    packed = words(message)
    first, in_sysex = unpack(packed[:1])
    assert (first, in_sysex) == (message[:4], True)
    assert unpack(packed[1:], in_sysex) == (message[4:], False)


def test_unpack_realtime_inside_sysex_wherever_portmidi_packs_it():
    data = bytes(range(1, 12))
    for position in range(1, len(data) + 2):
        stream = b"\xf0" + data[:position - 1] + b"\xf8" + data[position - 1:] + b"\xf7"
        unpacked, in_sysex = unpack(words(stream))
        assert (unpacked, in_sysex) == (stream, False), position
        parsed = midox.parse_all(unpacked)
        assert [m.type for m in parsed] == ["clock", "sysex"]
        assert bytes(parsed[1].data) == data


def test_unpack_cut_sysex_and_stray_data():
    # A sysex message cut by a status byte: the next word is a message of its own.
    assert unpack(words(b"\xf0\x01\x02\x03") + [0x403C90]) == (b"\xf0\x01\x02\x03\x90\x3c\x40", False)
    # ... also a new sysex message.
    assert unpack(words(b"\xf0\x01\x02\x03") + words(b"\xf0\x05\xf7")) == (b"\xf0\x01\x02\x03\xf0\x05\xf7", False)
    # Data words outside a sysex message (e.g. its start was lost in an overflow) are dropped.
    assert unpack(words(b"\x01\x02\x03\x04") + [0xF8]) == (b"\xf8", False)
    # A stray EOX is passed on (the parser ignores it).
    assert unpack([0xF7]) == (b"\xf7", False)
    with pytest.raises(ValueError):
        unpack([1 << 32])
    with pytest.raises(ValueError):
        unpack([-1])


def test_parsing_unpacked_bytes_gives_the_messages_sent():
    sent = [midox.Message("note_on", note=60), midox.Message("sysex", data=range(50)), midox.Message("clock"),
            midox.Message("pitchwheel", pitch=-8192), midox.Message("note_on", note=61)]
    packed = []
    for message in sent:
        raw = bytes(message.bin())
        if raw[0] == 0xF0:
            packed += words(raw)
        else:
            packed.append(int.from_bytes(raw, "little"))
    data, in_sysex = unpack(packed)
    assert not in_sysex
    assert midox.parse_all(data) == sent


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
