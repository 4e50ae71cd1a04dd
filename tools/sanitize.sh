#!/usr/bin/env bash
# Build every compiled extension of midox with clang's AddressSanitizer and UndefinedBehaviorSanitizer, then run
# the test suite or the fuzz targets (tests/fuzz/) against that build.
#
# Usage: bash tools/sanitize.sh [build | test [pytest arguments] | fuzz SECONDS [target...] | all [SECONDS]]
#   build          (re)build: a venv in .venv-sanitize/ (it sees the interpreter's site-packages, so what
#                  tools/test.sh installed is reused; atheris is added), a copy of the working tree in
#                  .venv-sanitize/src/, and the extensions built in place there (the PortMidi binding too:
#                  MIDOX_PORTMIDI=required). The copy keeps the sanitized .so files away from the normal build.
#                  Run it again after editing: it copies the tree again and rebuilds what changed.
#   test [args]    the test suite, on the sanitized build (build runs first: it only rebuilds what changed).
#                  Without pytest arguments it runs the selection below (SANITIZE_DESELECT), one pytest-xdist
#                  worker per core; with arguments, exactly those.
#   fuzz SECONDS [target...]
#                  each fuzz target of tests/fuzz/ (or the ones named, e.g. smf_strict) for SECONDS seconds
#                  under libFuzzer (atheris), one per core at a time; a finding stops that target and is left in
#                  .venv-sanitize/fuzz/<target>/artifacts/ (copy it to tests/fuzz/regressions/<target>/).
#   all SECONDS    build, test, then fuzz every target for SECONDS seconds (the default, with 60).
#
# Environment: MIDOX_CORPUS (the MIDI corpus, default ../shared/corpus), CC (default clang; must be clang for
# -fsanitize=fuzzer-no-link), MIDOX_SANITIZE_DIR (default .venv-sanitize).
#
# How it runs: CPython is not instrumented, so the sanitizer runtime is preloaded (LD_PRELOAD) into it: clang's
# shared ASan runtime for the tests, atheris's asan_with_fuzzer.so (ASan, UBSan and libFuzzer in one library)
# for fuzzing. Both must come first in LD_PRELOAD; tests/alsaseq_standin.py, which conftest.py uses to restart
# pytest with the ALSA sequencer stand-in, keeps a sanitizer runtime first. PYTHONMALLOC=malloc makes every
# Python object a malloc block that ASan guards. The first report of either sanitizer ends the process
# (halt_on_error, -fno-sanitize-recover=all). LeakSanitizer runs in the fuzz stage only (see ASAN_OPTIONS_BASE).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SAN=${MIDOX_SANITIZE_DIR:-$ROOT/.venv-sanitize}
SRC=$SAN/src
PY=$SAN/bin/python
export MIDOX_CORPUS=${MIDOX_CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus}
CC=${CC:-clang}

# Every check halts at its first report (-fno-sanitize-recover=all). tools/sanitize-ignorelist.txt names the
# few functions (not ours) left out of a check, and why.
SANITIZE=(-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all)
CFLAGS_SAN="${SANITIZE[*]} -fsanitize-ignorelist=$SRC/tools/sanitize-ignorelist.txt -fno-omit-frame-pointer -g -O1"

# LeakSanitizer: off in the test stage, on in the fuzz stage (see fuzz()). The tests start other programs
# (jackd, compilers, pip) that inherit these options and would fail on their own leaks at exit. CPython itself
# leaves few unreachable blocks (NumPy's import: 53), but its objects' allocation stacks stop inside CPython
# (no frame pointers), so only a CPython-wide suppression hides them, which costs the Python objects we
# allocate too: tools/lsan.supp keeps the blocks our C code allocates itself. ASan still catches
# use-after-free, double free and overflows of every block, ours and Python's.
# allocator_may_return_null: a test that asks for an impossible size expects MemoryError, as with glibc's malloc.
ASAN_OPTIONS_BASE="halt_on_error=1:detect_leaks=0:allocator_may_return_null=1:abort_on_error=0"
ASAN_OPTIONS_BASE+=":strict_string_checks=0:detect_odr_violation=0:check_initialization_order=1"
UBSAN_OPTIONS_BASE="halt_on_error=1:print_stacktrace=1"

# The default sanitized run: every test of the compiled modules (each extension, its C paths, the device tests
# of the PortMidi binding and of _pmevents through pygame), without what only repeats those paths at corpus
# scale or runs other people's code, which ASan + PYTHONMALLOC=malloc slow down 3 to 10 times:
SANITIZE_DESELECT=(
    # pretty_midi's and miditoolkit's own test suites run on midox: their Python; the reading and writing they
    # reach is tested below.
    --ignore=tests/test_clients.py
    # Corpora on worker pools, Dask clusters and Parquet (subprocesses): the same read_arrays as test_arrays_*.
    --ignore=tests/test_corpus.py --ignore=tests/test_corpus_dask.py --ignore=tests/test_midox_command.py
    # The programs, each a new interpreter against JACK: ports and the parser, tested in-process below.
    --ignore=tests/test_programs.py
    # python-rtmidi's backend: RtMidi's C++ (not instrumented) and our Python; its bytes go through the parser.
    --ignore=tests/test_rtmidi.py --ignore=tests/test_backend_rtmidi_alsa.py
    # mypy and its stubtest: pure Python.
    --ignore=tests/test_stubs.py --ignore=tests/test_typing.py
    # By name: each corpus file compared with mido, pretty_midi or symusic, mypy (stub tests), and the fuzz
    # targets' seeds: the fuzz stage (tools/sanitize.sh fuzz) puts every corpus file and every seed through the
    # same C paths under ASan.
    -k "not corpus and not pretty_midi and not symusic and not stub and not test_seeds"
)
# Hypothesis: the dev profile (100 examples a test) unless one is chosen, as the sanitized run is slow.
export HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-dev}

asan_runtime() {
    "$CC" -print-file-name=libclang_rt.asan-x86_64.so
}

# Reports also go to files (pytest captures file descriptor 2, and a halted process cannot print what it
# captured): REPORTS/asan.PID, REPORTS/ubsan.PID, printed by report().
REPORTS=$SAN/reports

# Test processes (pytest-xdist workers) and fuzz targets run this many at a time: one per core.
JOBS=$(nproc)

runtime_env() {   # the environment every sanitized process runs with; $1: the library to preload first,
                  # $2: the folder of the reports (default REPORTS)
    local reports=${2:-$REPORTS}
    export PYTHONMALLOC=malloc
    export ASAN_OPTIONS="$ASAN_OPTIONS_BASE:log_path=$reports/asan"
    export UBSAN_OPTIONS="$UBSAN_OPTIONS_BASE:log_path=$reports/ubsan"
    export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)}
    export LD_PRELOAD="$1${LD_PRELOAD:+ $LD_PRELOAD}"
}

build() {
    local start=$SECONDS
    command -v "$CC" >/dev/null || { echo "tools/sanitize.sh: $CC not found (apt-get install clang)" >&2; exit 1; }
    [ -f "$(asan_runtime)" ] || { echo "tools/sanitize.sh: no ASan runtime for $CC (apt-get install libclang-rt-14-dev)" >&2; exit 1; }
    if [ ! -x "$PY" ]; then
        # Without a pip (and setuptools) of its own: the interpreter's run in it, so its setuptools and Cython
        # build, and what pip installs goes into the venv.
        python3 -m venv --system-site-packages --without-pip "$SAN"
    fi
    "$PY" -c "import atheris" 2>/dev/null || "$PY" -m pip install --quiet "atheris==2.3.0"
    # A copy of the working tree (tracked files and new ones git does not ignore), built in place there. The
    # first build installs it into the venv (editable: metadata and the programs' scripts); later ones only
    # rebuild the extensions whose sources changed (setup.py build_ext, two jobs).
    mkdir -p "$SRC"
    git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$SRC"
    (
        cd "$SRC"
        export CC CXX=clang++ CFLAGS="$CFLAGS_SAN" LDFLAGS="${SANITIZE[*]}" MIDOX_PORTMIDI=required
        # Two compiler jobs for pip's build too (setup.cfg of the copy only: the project has none).
        printf '[build_ext]\nparallel = 2\n' >setup.cfg
        # What the build depends on: the sources of the extensions, setup.py and the flags.
        local stamp
        stamp=$(cat midox/_core/*.pyx midox/_core/*.pxd backends/*.pyx backends/*.pxd backends/*.h setup.py \
                    tools/sanitize-ignorelist.txt | sha256sum | cut -d' ' -f1)
        stamp="$stamp $CFLAGS $LDFLAGS"
        if [ ! -f "$SAN/installed" ]; then
            # No build isolation: the venv's (the interpreter's) Cython and setuptools; the test requirements
            # are normally there already (tools/test.sh installed them), pip installs what is missing.
            "$PY" -m pip install --quiet --no-build-isolation -e '.[test]'
            touch "$SAN/installed"
        elif [ "$(cat "$SAN/stamp" 2>/dev/null)" != "$stamp" ]; then
            # setup.py compares the sources' times, not the flags: --force when they changed.
            local force=()
            [ "$(cut -d' ' -f2- "$SAN/stamp" 2>/dev/null)" = "$CFLAGS $LDFLAGS" ] || force=(--force)
            "$PY" setup.py --quiet build_ext --inplace --parallel 2 "${force[@]}"
        fi
        echo "$stamp" >"$SAN/stamp"
    )
    # The sanitized modules must be the ones imported from the copy (not another midox of the interpreter).
    (
        cd "$SRC"
        runtime_env "$(asan_runtime)"
        "$PY" -c '
import sys, midox._core._parser as p, midox.backends._portmidi as b
for m in (p, b):
    if not m.__file__.startswith(sys.argv[1]):
        sys.exit(f"tools/sanitize.sh: {m.__name__} is imported from {m.__file__}, not from {sys.argv[1]}")
' "$SRC/"
    )
    echo "tools/sanitize.sh: sanitized build in $SRC ($((SECONDS - start)) s)"
}

report() {    # print the sanitizer reports in folder $1 (default REPORTS), if any; fail if there are
    local found=0
    for file in "${1:-$REPORTS}"/*; do
        [ -s "$file" ] || continue
        found=1
        echo "tools/sanitize.sh: sanitizer report $file:" >&2
        cat "$file" >&2
    done
    return $found
}

run_tests() {
    local start=$SECONDS status=0
    rm -rf "$REPORTS"
    mkdir -p "$REPORTS"
    (
        cd "$SRC"
        runtime_env "$(asan_runtime)"       # in this subshell only: the fuzz stage preloads another runtime
        if (($#)); then
            "$PY" -m pytest -p no:cacheprovider "$@"
        else
            "$PY" -m pytest -p no:cacheprovider --durations=25 -n "$JOBS" --dist loadgroup --max-worker-restart=0 \
                "${SANITIZE_DESELECT[@]}"
        fi
    ) || status=$?
    report || status=1
    echo "tools/sanitize.sh: sanitized tests: exit $status ($((SECONDS - start)) s)"
    return $status
}

fuzz_target() {   # fuzz target $1 for $2 seconds with runtime $3; its corpus, findings, log and reports are
                  # in $SAN/fuzz/<target>/
    local target=$1 seconds=$2 work=$SAN/fuzz/$1
    rm -rf "$work/reports"
    mkdir -p "$work/corpus" "$work/artifacts" "$work/reports"
    cd "$SRC"
    runtime_env "$3" "$work/reports"
    # LeakSanitizer on here (one process, no children): libFuzzer checks for unreachable blocks after an input
    # that allocated more than it freed, and at exit. tools/lsan.supp says what is left out, and why
    # allocation stacks are 3 calls deep here.
    export ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1}:malloc_context_size=3"
    export LSAN_OPTIONS="suppressions=$SRC/tools/lsan.supp:print_suppressions=0"
    # -timeout: a hang is an input taking more than 10 s (the known slow cases take less at the targets'
    # -max_len, 64 KB for files, 4 KB for byte streams and text: tests/fuzz/_fuzzing.py).
    "$PY" "tests/fuzz/fuzz_$target.py" "$work/corpus" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" -print_final_stats=1 >"$work/log" 2>&1
}

fuzz() {
    local seconds=${1:?tools/sanitize.sh fuzz SECONDS [target...]}
    shift
    local preload targets=("$@") failed=() first pids target status index start
    preload=$("$PY" -c 'import atheris, os; print(os.path.join(os.path.dirname(os.path.dirname(atheris.__file__)), "asan_with_fuzzer.so"))')
    if ((${#targets[@]} == 0)); then
        for script in "$SRC"/tests/fuzz/fuzz_*.py; do
            name=$(basename "$script" .py)
            targets+=("${name#fuzz_}")
        done
    fi
    # JOBS targets at a time, each on a core of its own for SECONDS.
    for ((first = 0; first < ${#targets[@]}; first += JOBS)); do
        local batch=("${targets[@]:first:JOBS}")
        pids=()
        start=$SECONDS
        echo "tools/sanitize.sh: fuzzing ${batch[*]} for $seconds s"
        for target in "${batch[@]}"; do
            (fuzz_target "$target" "$seconds" "$preload") &
            pids+=($!)
        done
        for index in "${!batch[@]}"; do
            target=${batch[index]}
            status=0
            wait "${pids[index]}" || status=$?
            local work=$SAN/fuzz/$target
            grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$work/log" | tr '\n' ' '
            echo
            echo "tools/sanitize.sh: $target: exit $status ($((SECONDS - start)) s), log $work/log"
            if ((status)); then
                failed+=("$target")
                tail -n 40 "$work/log"
                report "$work/reports" || true      # the sanitizer's report, if it was one
            fi
        done
    done
    if ((${#failed[@]})); then
        echo "tools/sanitize.sh: findings in: ${failed[*]} (inputs in $SAN/fuzz/<target>/artifacts/)" >&2
        return 1
    fi
}

command=${1:-all}
(($#)) && shift
case $command in
    # Each command builds first: the tree is copied again and only what changed is rebuilt.
    build) build ;;
    test) build; run_tests "$@" ;;
    fuzz) build; fuzz "$@" ;;
    all) build; run_tests; fuzz "${1:-60}" ;;
    *) echo "usage: bash tools/sanitize.sh [build|test|fuzz SECONDS [target...]|all SECONDS] [arguments]" >&2; exit 2 ;;
esac
