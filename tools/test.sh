#!/usr/bin/env bash
# Install midox with what its tests need, then run the whole test suite, and (without pytest arguments) the
# sanitizer run and the fuzzers of tools/sanitize.sh.
# Usage: bash tools/test.sh [pytest arguments]
#
# The tests run real components: a JACK server (jackd2, dummy driver) for the rtmidi backend and the
# programs, and the real libportmidi, which the PortMidi binding is built against. Missing system packages
# are installed with apt-get (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# clang, its sanitizer runtimes and llvm-symbolizer: the AddressSanitizer/UBSan build and the fuzzers
# (tools/sanitize.sh).
SYSTEM_PACKAGES=(jackd2 libportmidi-dev libasound2-dev pkg-config gcc clang libclang-rt-dev llvm)

missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
else
    echo "tools/test.sh: not a Debian system; make sure these are installed: ${SYSTEM_PACKAGES[*]}" >&2
fi
if ((${#missing[@]})); then
    as_root=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { echo "tools/test.sh: run as root or install: ${missing[*]}" >&2; exit 1; }
        as_root=(sudo)
    fi
    echo "tools/test.sh: installing ${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# required: fail here, not later, if the PortMidi binding cannot be built.
MIDOX_PORTMIDI=required python3 -m pip install --quiet -e '.[test,docs]'
if (($# == 0)); then
    # The whole suite, one pytest-xdist worker per core (tests sharing an expensive module fixture carry an
    # xdist_group, so one worker runs them); the manual built with warnings as errors and its examples run; the
    # sdist checked; then the suite again under AddressSanitizer and UBSan, and every fuzz target of tests/fuzz
    # for 60 s on that build (README, "Sanitizers and fuzzing"). A worker that crashes ends the run: a replacement
    # can leave --dist loadgroup waiting forever.
    # Everything the tests use is installed by now, so a skipped test fails the run (tests/conftest.py).
    MIDOX_TEST_NO_SKIPS=1 python3 -m pytest -n "$(nproc)" --dist loadgroup --max-worker-restart=0
    bash tools/docs.sh
    bash tools/sdist.sh check       # the sdist holds every tracked file, builds without Cython, passes twine
    bash tools/sanitize.sh all 60
else
    python3 -m pytest "$@"
fi
