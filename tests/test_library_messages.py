"""What the C libraries under the backends print on stderr: nothing, unless MIDOX_LIBRARY_MESSAGES is set
(docs/guide/backends.md). libasound and libjack print their own lines when there is no sequencer or no JACK server,
before the backend raises an exception saying the same; midox.backends._quiet replaces their handlers in every copy
loaded.

Each case runs midox-ports where the library fails (no /dev/snd/seq: the ALSA sequencer stand-in is not preloaded;
a JACK server name nobody runs) twice: quieted, stderr holds at most midox-ports' own one-line error; with
MIDOX_LIBRARY_MESSAGES=1 the library's lines are there, so the quieting is what removed them.
"""
import importlib.util
import os
import subprocess
import sys

import pytest

import child_process

NO_SEQUENCER = not os.path.exists("/dev/snd/seq")
needs_no_sequencer = pytest.mark.skipif(not NO_SEQUENCER, reason="this machine has an ALSA sequencer (/dev/snd/seq): "
                                                                  "opening it does not fail")


def installed(module):
    return importlib.util.find_spec(module) is not None


def portmidi_binding_built():
    return installed("midox.backends._portmidi")


CASES = [
    pytest.param("rtmidi/LINUX_ALSA", "ALSA lib ",
                 marks=[needs_no_sequencer, pytest.mark.skipif(not installed("rtmidi"), reason="python-rtmidi "
                                                               "is not installed (pip install 'midox[rtmidi]')")]),
    pytest.param("rtmidi/UNIX_JACK", "Cannot connect to server",
                 marks=pytest.mark.skipif(not installed("rtmidi"), reason="python-rtmidi is not installed "
                                                                          "(pip install 'midox[rtmidi]')")),
    pytest.param("portmidi", "ALSA lib ",
                 marks=[needs_no_sequencer, pytest.mark.skipif(not portmidi_binding_built(), reason="midox was "
                                                               "built without its PortMidi binding")]),
    pytest.param("pygame", "ALSA lib ",
                 marks=[needs_no_sequencer, pytest.mark.skipif(not installed("pygame"), reason="pygame is not "
                                                               "installed (pip install 'midox[pygame]')")]),
]


def midox_ports(backend, **settings):
    environ = dict(os.environ)
    environ.pop("MIDOX_LIBRARY_MESSAGES", None)
    environ.update(MIDOX_BACKEND=backend, JACK_DEFAULT_SERVER="midox-test-no-such-server", JACK_NO_START_SERVER="1",
                   **settings)
    # Without the stand-in (other preloads, a sanitizer runtime, stay): the real, missing /dev/snd/seq.
    environ["LD_PRELOAD"] = " ".join(item for item in environ.get("LD_PRELOAD", "").split() if "fakeseq" not in item)
    return subprocess.run([sys.executable, "-m", "midox.scripts.midox_ports"], capture_output=True, text=True,
                          env=environ, cwd=child_process.NEUTRAL_CWD, timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libasound and the JACK server tested are Linux's")
@pytest.mark.parametrize("backend, library_line", CASES)
def test_the_libraries_print_nothing_unless_asked(backend, library_line):
    quiet = midox_ports(backend)
    lines = quiet.stderr.splitlines()
    assert not any(library_line in line for line in lines), quiet.stderr
    # Nothing but midox-ports' own error, when listing failed.
    assert lines == ([] if quiet.returncode == 0 else [lines[0]]), quiet.stderr
    assert all(line.startswith("midox-ports: error: ") for line in lines)

    loud = midox_ports(backend, MIDOX_LIBRARY_MESSAGES="1")
    assert any(library_line in line for line in loud.stderr.splitlines()), loud.stderr
    assert loud.returncode == quiet.returncode


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="python-rtmidi links libasound on Linux only")
def test_quiet_finds_the_libraries_python_rtmidi_loads():
    pytest.importorskip("rtmidi", reason="python-rtmidi is not installed (pip install 'midox[rtmidi]')")
    from midox.backends import _quiet
    assert _quiet.SUPPORTED
    assert _quiet.quiet() == ["alsa", "jack"]
