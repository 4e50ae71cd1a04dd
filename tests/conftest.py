"""Shared test set-up: refuse to run against an unbuilt source tree, run the session under the ALSA sequencer
stand-in, hypothesis profiles, and the fixtures several files use.

The device tests (marker ``standin``) drive the real libasound, PortMidi and pygame.midi over tests/alsaseq's
userspace ALSA sequencer, an LD_PRELOAD library (see alsaseq_standin.py). It must be loaded when the process
starts, so a pytest session started without it builds it and re-executes itself with it preloaded (one line on
stderr says so). The stand-in only takes over /dev/snd/seq: every other test runs as it would without it.
``MIDOX_TEST_STANDIN=off`` runs the session as started, and the device tests are then skipped, as they are
when the stand-in cannot be built (no gcc) or pytest was started by a program (pytest.main()) rather than from
a command line.
"""
import gc
import os
import shlex
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

STANDIN_SWITCH = "MIDOX_TEST_STANDIN"
# Set by tools/test.sh and tools/sdist.sh, where everything the tests need is installed: a skipped test then
# fails the run, since it would hide work not done (README, "The two commands").
NO_SKIPS_SWITCH = "MIDOX_TEST_NO_SKIPS"

_skipped = []       # node ids of the tests skipped in this session (in the controller under pytest-xdist)

# Why the device tests cannot run in this session (None: they can); set by pytest_configure.
_no_standin_reason = None


def under_standin():
    """Whether this process has the ALSA sequencer stand-in preloaded."""
    return "fakeseq" in os.environ.get("LD_PRELOAD", "")


def pytest_configure(config):
    global _no_standin_reason
    config.addinivalue_line(
        "markers", "standin: a device test that needs the ALSA sequencer stand-in (tests/alsaseq) preloaded")
    # pytest-xdist's own marker, declared for runs without it: tests of one group share an expensive module
    # fixture, so `--dist loadgroup` (tools/test.sh) runs them in one worker.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one pytest-xdist worker")
    try:
        import midox._core._messages  # noqa: F401
    except ImportError as error:
        pytest.exit(f"midox is not built ({error}); run: python -m pip install -e '.[test]'", returncode=4)
    _no_standin_reason = _run_under_standin(config)


def _started_from_a_command_line(config):
    """Whether re-running sys.orig_argv runs this same session (not so for pytest.main() in a program)."""
    program = os.path.basename(sys.argv[0])
    return (program in ("pytest", "py.test", "__main__.py")
            and tuple(sys.argv[1:]) == tuple(config.invocation_params.args))


def _run_under_standin(config):
    """Re-execute this pytest process with the stand-in preloaded when it is not yet; return why the device
    tests cannot run here, or None when they can."""
    if under_standin():
        return None
    if os.environ.get(STANDIN_SWITCH, "").lower() == "off":
        return f"{STANDIN_SWITCH}=off"
    if not sys.platform.startswith("linux"):
        return "the ALSA sequencer stand-in emulates Linux's /dev/snd/seq"
    if config.option.help or config.option.version:
        return "pytest --help/--version"
    if not _started_from_a_command_line(config):
        return ("pytest was started by a program, not from a command line: start it with the stand-in "
                "preloaded (alsaseq_standin.environ()) to run the device tests")
    import alsaseq_standin
    try:
        environ = alsaseq_standin.environ()
    except RuntimeError as error:      # no gcc, or fakeseq.c does not build
        return f"the ALSA sequencer stand-in cannot be built: {error}"
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.stop_global_capturing()    # give the new process this one's stdout and stderr
    sys.stderr.write(f"tests/conftest.py: re-running {shlex.join(sys.orig_argv)} with the ALSA sequencer stand-in "
                     f"preloaded (LD_PRELOAD={environ['LD_PRELOAD']}); {STANDIN_SWITCH}=off runs without it\n")
    sys.stderr.flush()
    sys.stdout.flush()
    os.execve(sys.executable, sys.orig_argv, environ)


def pytest_collection_modifyitems(config, items):
    if _no_standin_reason is None:
        return
    skip = pytest.mark.skip(reason=f"a device test, and the session runs without the ALSA sequencer stand-in: "
                                   f"{_no_standin_reason}")
    for item in items:
        if item.get_closest_marker("standin") is not None:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_collectreport(report):
    if report.skipped:      # a whole module skipped (pytest.skip(allow_module_level=True), importorskip)
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if (os.environ.get(NO_SKIPS_SWITCH) == "1" and _skipped and exitstatus == pytest.ExitCode.OK
            and not hasattr(session.config, "workerinput")):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if os.environ.get(NO_SKIPS_SWITCH) == "1" and _skipped:
        terminalreporter.write_line(
            f"{NO_SKIPS_SWITCH}=1 and skipped: {len(_skipped)}, which fails this run (everything the tests need "
            f"should be installed here): {', '.join(_skipped[:5])}{' ...' if len(_skipped) > 5 else ''}", red=True)


@pytest.fixture(autouse=True)
def no_portmidi_stream_left_open(request):
    """Every device test closes what it opens: afterwards no stream of midox's PortMidi binding is open."""
    yield
    if request.node.get_closest_marker("standin") is None or _no_standin_reason is not None:
        return
    binding = sys.modules.get("midox.backends._portmidi")
    if binding is None:
        return      # never imported: nothing can be open
    gc.collect()
    assert binding.open_stream_count() == 0, "the test left a PortMidi stream open"


@pytest.fixture
def restore_meta_specs():
    """Undo add_meta_spec() calls made by a test (the meta spec registry is module state)."""
    from midox.midifiles import meta
    saved = dict(meta._META_SPECS), dict(meta._META_SPEC_BY_TYPE)
    yield
    for table, old in zip((meta._META_SPECS, meta._META_SPEC_BY_TYPE), saved):
        table.clear()
        table.update(old)


@pytest.fixture
def restore_backend():
    """Undo midox.set_backend() calls made by a test (the current backend is module state)."""
    from midox.backends import backend as registry
    saved = registry._current.backend
    yield
    registry._current.backend = saved


@pytest.fixture(scope="session")
def jack_server():
    """A running JACK server (dummy driver, --sync) that this process's JACK clients use; skips without jackd."""
    import shutil

    from jack_server import JackServer
    if shutil.which("jackd") is None:
        pytest.skip("jackd is not installed (Debian: apt-get install jackd2; bash tools/test.sh installs it)")
    server = JackServer().start()
    yield server
    server.stop()
