"""The wheel tests: the suite against an installed midox wheel, run from a folder holding only the test sources.

cibuildwheel's test step runs this (pyproject.toml, [tool.cibuildwheel] test-command, in a copy of test-sources),
and so does tools/wheel.sh here. It installs the installed midox's test extra, then runs pytest on every core.

pygame and python-rtmidi come from wheels only: some platforms and Pythons have none, and their sources need SDL
or a C++ toolchain and the MIDI system headers. Without them their tests skip (importorskip says so). With
MIDOX_TEST_MISSING=skip, the device tests whose system pieces are absent (gcc for the ALSA sequencer stand-in,
pygame) skip too instead of failing as they do under tools/test.sh; without jackd the JACK tests skip everywhere.
pytest -ra lists every skip with its reason.

Usage: python tools/wheel_test.py [pytest arguments]
"""
import importlib.metadata
import os
import subprocess
import sys

from packaging.requirements import Requirement

# Installed from a wheel or not at all (see above).
WHEELS_ONLY = {"pygame", "python-rtmidi"}


def say(message):
    print(f"tools/wheel_test.py: {message}", file=sys.stderr, flush=True)


def test_requirements():
    """The test extra of the installed midox, as pip requirements without their markers."""
    found = []
    for text in importlib.metadata.requires("midox") or ():
        requirement = Requirement(text)
        if requirement.marker is not None and requirement.marker.evaluate({"extra": "test"}):
            extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
            found.append((requirement.name, f"{requirement.name}{extras}{requirement.specifier}"))
    if not found:
        sys.exit("tools/wheel_test.py: the installed midox has no test extra; is midox installed?")
    return found


def pip_install(*args):
    return subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *args]).returncode


def main(pytest_args):
    requirements = test_requirements()
    needed = [spec for name, spec in requirements if name not in WHEELS_ONLY]
    say(f"installing the test requirements: {' '.join(needed)}")
    if pip_install(*needed) != 0:
        sys.exit("tools/wheel_test.py: the test requirements did not install (see pip's message above)")
    for name, spec in requirements:
        if name in WHEELS_ONLY and pip_install("--only-binary=:all:", spec) != 0:
            say(f"no wheel of {spec} for this platform and Python: the tests that need it skip")
    # --max-worker-restart=0: a worker that crashes ends the run (a failure), where its replacement could leave
    # --dist loadgroup waiting forever for the crashed worker's group (seen here: a hang until the CI time-out).
    command = [sys.executable, "-m", "pytest", "-n", "auto", "--dist", "loadgroup", "--max-worker-restart=0",
               "-m", "not hardware", *pytest_args]
    say(f"running {' '.join(command[1:])} in {os.getcwd()}")
    return subprocess.run(command, env=dict(os.environ, MIDOX_TEST_MISSING="skip")).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
