"""Set-up for the tests that drive the real libportmidi through the ALSA sequencer stand-in.

These tests run in a child process that has tests/alsaseq's fakeseq.so preloaded (tests/test_portmidi.py
starts it with alsaseq_standin.environ()); the stand-in gives PortMidi one loopback port, "Midi Through
Port-0", as output device 0 and input device 1. Run directly, without the stand-in, they are skipped.
"""
import gc
import os

import pytest

LOOP = "Midi Through Port-0"


def under_standin():
    return "fakeseq" in os.environ.get("LD_PRELOAD", "")


def pytest_collection_modifyitems(config, items):
    if under_standin():
        return
    skip = pytest.mark.skip(reason="needs the ALSA sequencer stand-in preloaded: run tests/test_portmidi.py, "
                                   "or run pytest with alsaseq_standin.environ()")
    for item in items:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def nothing_left_open():
    """Every test closes what it opens: afterwards no PortMidi stream of the binding is open."""
    yield
    if not under_standin():
        return
    from midox.backends import _portmidi
    gc.collect()
    assert _portmidi.open_stream_count() == 0, "the test left a PortMidi stream open"
