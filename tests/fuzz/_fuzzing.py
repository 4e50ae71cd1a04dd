"""What the fuzz targets of tests/fuzz/ share: the corpus, the seeds, and running a check under atheris.

Each target (fuzz_<name>.py) defines ``check(data: bytes)``, which returns normally for every input, or raises
(an AssertionError, or the exception that should not have come) on a finding, and ``seeds()``, some inputs to
start from. ``python tests/fuzz/fuzz_<name>.py [libFuzzer options] [corpus directory]`` fuzzes it with atheris
(``bash tools/sanitize.sh fuzz SECONDS`` runs every target on the sanitized build); tests/test_fuzz_regressions.py
runs the check on every input saved in tests/fuzz/regressions/<name>/ with the normal build. atheris is only
imported to fuzz.
"""
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
REGRESSIONS = pathlib.Path(__file__).resolve().parent / 'regressions'

# The longest input libFuzzer makes (-max_len), unless a target sets its own MAX_LEN.
MAX_LEN = 65536


def corpus_files():
    """The MIDI files of the corpus (none when there is no corpus)."""
    return sorted(CORPUS.glob('*.mid')) if CORPUS.is_dir() else []


def corpus_seeds(limit=MAX_LEN):
    """The corpus files' bytes, each cut to limit bytes (a cut file is still a good tolerant-reading seed)."""
    return [path.read_bytes()[:limit] for path in corpus_files()]


def regression_inputs(target):
    """The saved inputs of a target: [(path, bytes)]."""
    folder = REGRESSIONS / target
    return [(path, path.read_bytes()) for path in sorted(folder.iterdir()) if path.is_file()] if folder.is_dir() else []


def main(check, seeds, max_len=MAX_LEN):
    """Fuzz check with atheris: sys.argv holds libFuzzer's options and the corpus directory to grow; the seeds
    and the target's saved regressions are given to libFuzzer as a second, read-only corpus directory. Inputs
    are at most max_len bytes (the target's MAX_LEN) unless -max_len is given."""
    import atheris

    # Coverage comes from the compiled modules (built with -fsanitize=fuzzer-no-link). Python code is not
    # instrumented: atheris.instrument_all() takes minutes on this interpreter and fails on many functions.
    argv = list(sys.argv)
    if not any(arg.startswith('-max_len=') for arg in argv):
        argv.insert(1, f'-max_len={max_len}')
    if not any(not arg.startswith('-') for arg in argv[1:]):
        argv.append(tempfile.mkdtemp(prefix='midox-fuzz-corpus-'))
    seed_dir = tempfile.mkdtemp(prefix='midox-fuzz-seeds-')
    target = pathlib.Path(argv[0]).stem.removeprefix('fuzz_')
    for index, data in enumerate([*seeds(), *(data for _, data in regression_inputs(target))]):
        pathlib.Path(seed_dir, f'seed-{index:05d}').write_bytes(data)
    argv.append(seed_dir)
    atheris.Setup(argv, check)
    atheris.Fuzz()
