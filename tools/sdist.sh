#!/usr/bin/env bash
# Build the sdist and check that it is complete; with `test`, also install it in a clean venv and run the whole
# suite from the unpacked tree, as tools/test.sh runs it from a checkout.
# Usage: bash tools/sdist.sh [check|test]
#   check (default)  build dist/midox-VERSION.tar.gz with `python -m build --sdist`; every tracked file is in it
#                    but those LEFT_OUT names, and nothing else but the metadata setuptools adds; Cython does not
#                    run; `twine check --strict` passes
#   test             check, then unpack it, `pip install -e '.[test]'` (MIDOX_PORTMIDI=required) in a new venv and
#                    run `pytest -n CORES --dist loadgroup` there (with the corpus there, a skip fails it). Needs
#                    the system packages that tools/test.sh installs (jackd2, libportmidi-dev, libasound2-dev,
#                    pkg-config, gcc); ~10 min on 2 cores.
# Environment: MIDOX_CORPUS (the MIDI corpus the corpus tests read, default ../shared/corpus as in tools/test.sh),
# MIDOX_TOOLS_VENV (a venv with build and twine to use instead of a new one; tools/wheel.sh passes its own).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-check}
case "$MODE" in check|test) ;; *) echo "usage: bash tools/sdist.sh [check|test]" >&2; exit 2 ;; esac

# Tracked files the sdist leaves out on purpose, and why.
LEFT_OUT=(
    .gitignore      # git's own: nothing in an unpacked sdist reads it
)
# What setuptools adds to every sdist: its metadata.
ADDED='^(PKG-INFO|setup\.cfg|midox\.egg-info/[^/]+)$'

say() { echo "tools/sdist.sh: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/midox-sdist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

TOOLS=${MIDOX_TOOLS_VENV:-}
if [ -z "$TOOLS" ]; then
    TOOLS=$WORK/tools
    say "a venv with build and twine ($TOOLS)"
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet build twine
fi

say "building the sdist"
mkdir -p "$ROOT/dist"
"$TOOLS/bin/python" -m build --sdist --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; fail "python -m build --sdist"; }
SDIST=$(echo "$WORK"/dist/midox-*.tar.gz)
# setup.py runs Cython only in build_ext, never for an sdist or metadata (see its docstring).
if grep -E -i "cythoniz|compiling .*\.pyx" "$WORK/build.log"; then fail "Cython ran while the sdist was built"; fi
if grep -E "warning: no (previously-included )?files" "$WORK/build.log"; then
    fail "stale MANIFEST.in patterns (above)"
fi

# The sdist's files against the tracked ones.
tar -tzf "$SDIST" | sed -e 's|^[^/]*/||' -e '/^$/d' -e '/\/$/d' | sort >"$WORK/in-sdist"
git ls-files | sort >"$WORK/tracked"
printf '%s\n' "${LEFT_OUT[@]}" | sort >"$WORK/left-out"
missing=$(comm -23 "$WORK/tracked" "$WORK/in-sdist" | comm -23 - "$WORK/left-out")
extra=$(comm -13 "$WORK/tracked" "$WORK/in-sdist" | grep -v -E "$ADDED" || true)
[ -z "$missing" ] || fail "tracked files missing from the sdist (MANIFEST.in):"$'\n'"$missing"
[ -z "$extra" ] || fail "files in the sdist that git does not track (build products?):"$'\n'"$extra"
stale=$(comm -12 "$WORK/left-out" "$WORK/in-sdist")
[ -z "$stale" ] || fail "in the sdist although LEFT_OUT in tools/sdist.sh says not:"$'\n'"$stale"
shipped=$(comm -23 "$WORK/tracked" "$WORK/left-out" | wc -l)
say "the sdist holds all $shipped tracked files but ${LEFT_OUT[*]} (LEFT_OUT)"

"$TOOLS/bin/python" -m twine check --strict "$SDIST"
cp "$SDIST" "$ROOT/dist/"
say "wrote dist/$(basename "$SDIST")"
[ "$MODE" = test ] || exit 0

missing=()
for program in jackd gcc pkg-config; do command -v "$program" >/dev/null || missing+=("$program"); done
[ -e /usr/include/portmidi.h ] || [ -n "${MIDOX_PORTMIDI_PREFIX:-}" ] || missing+=(portmidi.h)
((${#missing[@]} == 0)) || fail "missing ${missing[*]}: run bash tools/test.sh once (it installs them with apt-get)"

mkdir "$WORK/unpacked"
tar -xzf "$SDIST" -C "$WORK/unpacked"
TREE=$(echo "$WORK"/unpacked/midox-*)
export MIDOX_CORPUS=${MIDOX_CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus}
# As in tools/test.sh, a skipped test fails the run, unless the corpus is absent (its tests then skip).
if [ -d "$MIDOX_CORPUS" ]; then
    export MIDOX_TEST_NO_SKIPS=1
else
    say "no corpus at $MIDOX_CORPUS: the corpus tests skip (set MIDOX_CORPUS)"
fi
say "a clean venv, midox installed from the unpacked sdist with its test extra ($TREE)"
python3 -m venv "$WORK/venv"
cd "$TREE"
start=$SECONDS
MIDOX_PORTMIDI=required "$WORK/venv/bin/python" -m pip install --quiet -e '.[test]'
say "installed in $((SECONDS - start)) s; the suite, as tools/test.sh runs it"
start=$SECONDS
status=0
"$WORK/venv/bin/python" -m pytest -n "$(nproc)" --dist loadgroup --max-worker-restart=0 || status=$?
say "the suite from the sdist took $((SECONDS - start)) s (exit $status)"
exit "$status"
