"""midox.backends.rtmidi_utils, the ALSA short port names: differential against mido's helper. Needs no
python-rtmidi and no device."""
import importlib.util

from hypothesis import given
from hypothesis import strategies as st
from mido.backends import rtmidi_utils as mido_rtmidi_utils

import pytest

from midox.backends.rtmidi_utils import expand_alsa_port_name

ALSA_NAMES = ["Midi Through:Midi Through Port-0 14:0", "TiMidity:TiMidity port 0 128:0",
              "TiMidity:TiMidity port 1 128:1", "Foo 20:0", "a:b:c 1:2"]


@pytest.mark.parametrize("name", [
    "Midi Through:Midi Through Port-0 14:0", "Midi Through:Midi Through Port-0", "Midi Through Port-0",
    "TiMidity port 1", "TiMidity:TiMidity port 0", "Foo", "b:c", "a:b:c", "unknown", None, ""])
def test_expand_alsa_port_name_matches_mido(name):
    assert expand_alsa_port_name(ALSA_NAMES, name) == mido_rtmidi_utils.expand_alsa_port_name(ALSA_NAMES, name)


def test_expand_alsa_port_name_examples():
    assert expand_alsa_port_name(ALSA_NAMES, "TiMidity port 1") == "TiMidity:TiMidity port 1 128:1"
    assert expand_alsa_port_name(ALSA_NAMES, "Midi Through:Midi Through Port-0") == ALSA_NAMES[0]
    assert expand_alsa_port_name(ALSA_NAMES, "nothing") == "nothing"
    assert expand_alsa_port_name([], None) is None


@given(st.lists(st.text(alphabet=" :ab1", max_size=8), max_size=5), st.text(alphabet=" :ab1", max_size=8))
def test_expand_alsa_port_name_agrees_with_mido(port_names, name):
    try:
        expected = mido_rtmidi_utils.expand_alsa_port_name(port_names, name)
    except IndexError:
        # mido fails on a port name of spaces only, where midox goes on to the next name.
        assert any(not port_name.split() for port_name in port_names)
        assert expand_alsa_port_name(port_names, name) in port_names + [name]
        return
    assert expand_alsa_port_name(port_names, name) == expected


def test_rtmidi_utils_is_importable_without_rtmidi():
    source = open(importlib.util.find_spec("midox.backends.rtmidi_utils").origin).read()
    assert "import rtmidi" not in source
