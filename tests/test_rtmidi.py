"""The rtmidi backend against a real JACK server (jackd2, dummy driver, --sync), compared with mido's: what only
this backend does on JACK (APIs, virtual ports, client names, timestamps, chunks of several messages). The port
scenarios every backend shares are in test_port_scenarios.py, the ALSA side in test_backend_rtmidi_alsa.py.
"""
import os
import subprocess
import sys
import time

import mido
import pytest

from port_traffic import EVERY_TYPE, await_connection, receive_all, wait_until

rtmidi = pytest.importorskip("rtmidi", reason="python-rtmidi is not installed (pip install 'midox[rtmidi]')")

import child_process  # noqa: E402
import midox  # noqa: E402
from midox.backends import rtmidi as backend  # noqa: E402

JACK = midox.Backend("midox.backends.rtmidi/UNIX_JACK")


@pytest.fixture
def loop(jack_server, request):
    """A virtual JACK input and an output connected to it: (input, output)."""
    client = f"midox-{request.node.name[:20]}"
    port_in = JACK.open_input("in", client_name=client)
    port_out = JACK.open_output(f"{client}:in")
    await_connection(port_out, port_in)
    yield port_in, port_out
    port_out.close()
    port_in.close()


# APIs

def test_api_names_are_the_compiled_ones():
    names = backend.get_api_names()
    assert "UNIX_JACK" in names
    assert [getattr(rtmidi, "API_" + name) for name in names] == rtmidi.get_compiled_api()
    assert names == mido.Backend("mido.backends.rtmidi").module.get_api_names()


def test_unknown_and_missing_apis_are_value_errors():
    with pytest.raises(ValueError, match="unknown API 'NOPE'"):
        JACK.module.get_devices(api="NOPE")
    missing = [name for name in ("WINDOWS_MM", "MACOSX_CORE", "WEB_MIDI") if name not in backend.get_api_names()]
    with pytest.raises(ValueError, match=f"API {missing[0]} not compiled in"):
        midox.Backend("rtmidi", api=missing[0]).open_input("x", virtual=True)


FALLBACK = """
import midox
with midox.Backend("rtmidi").open_input("fallback", virtual=True) as port:
    print(port.api, repr(port))
"""


def test_default_api_falls_back_to_jack_when_alsa_is_missing(jack_server):
    # This process has an ALSA sequencer (the stand-in, see conftest.py) or not; a child without the stand-in
    # has none unless the machine does.
    has_sequencer = os.path.exists("/dev/snd/seq")
    here = "LINUX_ALSA" if has_sequencer or "fakeseq" in os.environ.get("LD_PRELOAD", "") else "UNIX_JACK"
    with midox.Backend("rtmidi").open_input("fallback", virtual=True) as port:
        assert port.api == here
        assert repr(port) == f"<open input 'fallback' (RtMidi/{here})>"
    preload = " ".join(item for item in os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
                       if "fakeseq" not in item)
    result = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, text=True, timeout=60,
                            cwd=child_process.NEUTRAL_CWD, env=dict(os.environ, LD_PRELOAD=preload))
    assert result.returncode == 0, result.stderr
    expected = "LINUX_ALSA" if has_sequencer else "UNIX_JACK"
    assert result.stdout == f"{expected} <open input 'fallback' (RtMidi/{expected})>\n"


# Ports through JACK

def test_virtual_input_is_listed_and_named(loop):
    port_in, port_out = loop
    assert port_in.name == "in"
    assert port_out.name in JACK.get_output_names()
    assert port_out.name.endswith(":in")
    assert repr(port_in) == "<open input 'in' (RtMidi/UNIX_JACK)>"
    assert repr(port_out) == f"<open output {port_out.name!r} (RtMidi/UNIX_JACK)>"


def test_virtual_output_to_named_input(jack_server):
    with JACK.open_output("out", virtual=True, client_name="midox-vout") as port_out:
        name = "midox-vout:out"
        assert name in JACK.get_input_names()
        with JACK.open_input(name) as port_in:
            port_out.send(midox.Message("control_change", control=1, value=2))
            assert receive_all(port_in, 1) == [midox.Message("control_change", control=1, value=2)]


def test_a_chunk_with_several_messages_gives_them_all(loop):
    """Every byte RtMidi delivers goes through the parser (docs/differences.md, difference 11); mido's from_bytes()
    drops such a chunk."""
    port_in, port_out = loop
    # One JACK event holding four messages (note_on twice by running status). RtMidi takes an event that
    # starts with F0 and ends with F7 for one sysex message and passes it on whole.
    port_out._rt.send_message(bytes([0xF0, 0x01, 0xF7, 0x90, 0x3C, 0x40, 0x3E, 0x41, 0xF0, 0x02, 0xF7]))
    assert receive_all(port_in, 4) == [
        midox.Message("sysex", data=[1]), midox.Message("note_on", note=60, velocity=64),
        midox.Message("note_on", note=62, velocity=65), midox.Message("sysex", data=[2])]


def test_mido_drops_the_chunk_midox_parses(jack_server):
    with mido.Backend("mido.backends.rtmidi/UNIX_JACK").open_input("in", client_name="midox-mido-chunk") as port_in, \
            JACK.open_output("midox-mido-chunk:in") as port_out:
        port_out._rt.send_message(bytes([0xF0, 0x01, 0xF7, 0x90, 0x3C, 0x40, 0xF0, 0x02, 0xF7]))
        port_out.send(midox.Message("note_on", note=1))
        # The chunk is gone: the marker sent after it is the first message mido's port gets.
        assert receive_all(port_in, 1) == [mido.Message("note_on", note=1)]


# Callbacks

def test_virtual_output_feeds_a_callback_on_a_named_input(jack_server):
    got = []
    with JACK.open_output("vout", virtual=True, client_name="midox-cb2") as port_out, \
            JACK.open_input("midox-cb2:vout", callback=got.append):
        for message in EVERY_TYPE:
            port_out.send(message)
        assert wait_until(lambda: len(got) == len(EVERY_TYPE))
    assert got == EVERY_TYPE


# Blocking, closing, errors

def test_close_frees_the_client(jack_server):
    port_in = JACK.open_input("gone", client_name="midox-free")
    assert "midox-free:gone" in JACK.get_output_names()
    port_in.close()
    assert port_in._rt is None
    assert wait_until(lambda: "midox-free:gone" not in JACK.get_output_names())
    port_in.close()     # twice is fine


def test_open_errors(jack_server):
    # (an unknown name, which lists the ports: test_port_scenarios.py)
    with pytest.raises(OSError, match="virtual port must have a name"):
        JACK.open_input(virtual=True)


def test_client_name_makes_the_port_virtual_as_in_mido(jack_server):
    with JACK.open_input("vin", client_name="midox-cn") as port:
        assert "midox-cn:vin" in JACK.get_output_names()
        assert port.name == "vin"


def test_timestamps_carry_rtmidi_delta_times(jack_server):
    with JACK.open_input("ts", client_name="midox-ts", timestamps=True) as port_in, \
            JACK.open_output("midox-ts:ts") as port_out, \
            JACK.open_input("plain", client_name="midox-ts2") as plain_in, \
            JACK.open_output("midox-ts2:plain") as plain_out:
        port_out.send(midox.Message("note_on"))
        plain_out.send(midox.Message("note_on"))
        time.sleep(0.3)
        port_out.send(midox.Message("note_off"))
        plain_out.send(midox.Message("note_off"))
        first, second = receive_all(port_in, 2)
        assert [m.time for m in receive_all(plain_in, 2)] == [0, 0]
    # JACK stamps events with the cycle they arrive in: 5.3 ms cycles here.
    assert 0.25 < second.time < 0.4
    assert first.type == "note_on" and second.type == "note_off"


def test_virtual_ioport_pairs_an_input_and_an_output(jack_server):
    with JACK.open_ioport("io", virtual=True) as io:
        assert io.is_input and io.is_output
        [input_name] = [name for name in JACK.get_output_names() if name.endswith(":io")]
        [output_name] = [name for name in JACK.get_input_names() if name.endswith(":io")]
        with JACK.open_output(input_name) as peer_out, JACK.open_input(output_name) as peer_in:
            peer_out.send(midox.Message("song_select", song=3))
            io.send(midox.Message("songpos", pos=9))
            assert receive_all(io, 1) == [midox.Message("song_select", song=3)]
            assert receive_all(peer_in, 1) == [midox.Message("songpos", pos=9)]


def test_environment_selects_the_backend_and_api(jack_server, monkeypatch):
    monkeypatch.setenv("MIDOX_BACKEND", "rtmidi/UNIX_JACK")
    backend_from_env = midox.Backend()
    with backend_from_env.open_input("env", virtual=True, client_name="midox-env") as port:
        assert port.api == "UNIX_JACK"
        assert "midox-env:env" in backend_from_env.get_output_names()
