"""The midox command and midox.corpus: the worker pool (order, crashes, hangs, bounded memory), finding files,
`midox check`, `midox info` and `midox notes` end to end on the corpus and on broken files.

The programs run as subprocesses of the installed package (``python -m midox.scripts.main`` from a directory
outside the checkout, and the console script once). The corpus lives beside the project (../shared/corpus) or
where MIDOX_CORPUS points.
"""
import csv
import importlib.util
import io
import json
import multiprocessing
import os
import pathlib
import struct
import subprocess
import sys
import sysconfig

import pytest

import midox
from midox import corpus
from midox.corpus import tables as corpus_tables

import child_process
import corpus_tasks
from smf_bytes import chunk

# notes and stats need NumPy, notes pyarrow too (pip install 'midox[cli]'): without them those tests skip; CI
# installs both (the test extra).
try:
    import numpy as np
except ImportError:
    np = None
try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:
    pa = pq = None
needs_plotting = pytest.mark.skipif(np is None or importlib.util.find_spec('matplotlib') is None,
                                 reason="midox stats --plot needs NumPy and matplotlib")
needs_pyarrow = pytest.mark.skipif(np is None or pa is None,
                                   reason="midox notes needs NumPy and pyarrow (pip install 'midox[cli]')")

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
FILES = sorted(path for path in CORPUS.glob('*') if path.suffix.lower() in corpus.SUFFIXES)
needs_corpus = pytest.mark.skipif(not FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
TIMEOUT = 600


def midox_command(*args, console_script=False, env=None):
    """Run the midox command (env: more environment variables); the CompletedProcess (text)."""
    if console_script:
        folder = sysconfig.get_path('scripts')
        program = [os.path.join(folder, 'midox')]
    else:
        program = [sys.executable, '-m', 'midox.scripts.main']
    return subprocess.run(program + [str(arg) for arg in args], capture_output=True, text=True, timeout=TIMEOUT,
                          cwd=child_process.NEUTRAL_CWD, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def smf(*tracks, file_type=1, division=96):
    return chunk(b'MThd', struct.pack('>HHH', file_type, len(tracks), division)) + b''.join(
        chunk(b'MTrk', body) for body in tracks)


GOOD = smf(b'\x00\x90\x3c\x40\x60\x80\x3c\x00\x00\xff\x2f\x00')
BROKEN = {
    'truncated.mid': GOOD[:-5],
    'garbage.mid': GOOD[:14] + b'\x00\x01 garbage between chunks' + GOOD[14:],
    'data_above_127.mid': smf(b'\x00\x90\x3c\xc0\x60\x80\x3c\x00\x00\xff\x2f\x00'),
    'not_midi.mid': b'RIFF....WAVEfmt ',
}


@pytest.fixture
def broken_folder(tmp_path):
    """A folder of good and broken files, one of them in a subfolder; and a text file that is not looked at."""
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'good.mid').write_bytes(GOOD)
    (tmp_path / 'sub' / 'good2.MIDI').write_bytes(GOOD)
    (tmp_path / 'notes.txt').write_text('not MIDI')
    for name, data in BROKEN.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def strict_error(path):
    try:
        midox.MidiFile(path)
        return None
    except Exception as error:
        return f'{type(error).__name__}: {error}'


# --- the pool -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('jobs', [1, 2])
def test_results_come_in_input_order(jobs):
    items = list(range(40)) + ['raise'] + list(range(40, 60))
    outcomes = list(corpus.run(corpus_tasks.square_or_fail, items, jobs=jobs))
    assert [outcome.index for outcome in outcomes] == list(range(len(items)))
    assert [outcome.item for outcome in outcomes] == items
    assert [outcome.value for outcome in outcomes if outcome.ok] == [i * i for i in items if i != 'raise']
    assert [outcome.error for outcome in outcomes if not outcome.ok] == ['ValueError: no square for you']


def test_a_crash_and_a_hang_are_reported_and_the_rest_goes_on():
    items = [1, 'crash', 2, 'hang', 3, 4]
    outcomes = list(corpus.run(corpus_tasks.square_or_fail, items, jobs=2, timeout=3))
    assert [outcome.value for outcome in outcomes] == [1, None, 4, None, 9, 16]
    assert outcomes[1].error == 'worker crashed (exit code -9)'
    assert outcomes[3].error == 'timed out after 3 s'
    assert not multiprocessing.active_children()


def test_a_workers_prepare_does_not_count_against_the_timeout():
    """prepare (the imports a function makes when first called) runs before the first item: a slow one does
    not make the first items time out."""
    outcomes = list(corpus.run(corpus_tasks.square_or_fail, [1, 2, 3], jobs=2, timeout=1,
                               prepare=corpus_tasks.slow_start))
    assert [(outcome.value, outcome.error) for outcome in outcomes] == [(1, None), (4, None), (9, None)]


def test_items_are_handed_out_within_the_window():
    """A slow item holds back the handing out: results waiting for it stay within the window."""
    taken = []

    def items():
        yield 'slow'
        for i in range(100):
            taken.append(i)
            yield i

    outcomes = corpus.run(corpus_tasks.square_or_fail, items(), jobs=2, window=6)
    first = next(outcomes)
    assert first.value == 'slow' and len(taken) <= 6
    assert [outcome.value for outcome in outcomes] == [i * i for i in range(100)]


def test_stopping_early_stops_the_workers():
    outcomes = corpus.run(corpus_tasks.square_or_fail, range(1000), jobs=2)
    assert next(outcomes).value == 0
    outcomes.close()
    assert not multiprocessing.active_children()


def test_a_worker_killed_while_idle_is_replaced():
    outcomes = corpus.run(corpus_tasks.square_or_fail, range(6), jobs=1, window=1)
    assert next(outcomes).value == 0
    for child in multiprocessing.active_children():
        child.kill()
        child.join()
    assert [outcome.value for outcome in outcomes] == [1, 4, 9, 16, 25]


def test_find_files(broken_folder):
    found = corpus.find_files([broken_folder, broken_folder / 'good.mid', broken_folder / 'notes.txt'])
    names = [path.relative_to(broken_folder).as_posix() for path in found]
    assert names == sorted(['data_above_127.mid', 'garbage.mid', 'good.mid', 'not_midi.mid', 'sub/good2.MIDI',
                            'truncated.mid']) + ['notes.txt']        # a file named is taken, whatever its suffix
    with pytest.raises(FileNotFoundError, match='no such file or folder'):
        corpus.find_files([broken_folder / 'missing'])


# --- midox check ----------------------------------------------------------------------------------------------

def test_check_reports_the_broken_files(broken_folder):
    done = midox_command('check', broken_folder, '--jobs', 2)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert sorted(pathlib.Path(line.split(':')[0]).name for line in lines) == sorted(BROKEN)
    for line in lines:
        path = line.split(': ')[0]
        assert line.startswith(f'{path}: {strict_error(path)}')
    assert 'no MThd header: not a MIDI file; no tracks read' in next(line for line in lines if 'not_midi' in line)
    assert 'clipped to 127' in next(line for line in lines if 'data_above_127' in line)
    assert done.stderr.strip() == 'midox check: 6 files, 4 broken'
    good = midox_command('check', broken_folder / 'good.mid', broken_folder / 'sub', console_script=True)
    assert (good.returncode, good.stdout) == (0, ''), good.stderr


@needs_corpus
def test_check_the_corpus_as_json_and_csv():
    """Every file, as MidiFile's strict and tolerant reading see it; one job and two give the same."""
    as_json = midox_command('check', CORPUS, '--format', 'json', '--jobs', 2)
    rows = json.loads(as_json.stdout)
    assert [row['path'] for row in rows] == [str(path) for path in FILES]
    for row, path in zip(rows, FILES):
        assert row['error'] == strict_error(path)
        assert row['ok'] == (row['error'] is None) and row['size'] == path.stat().st_size
        if not row['ok']:
            tolerant = midox.MidiFile(path, errors='ignore')
            assert row['problems'] == [corpus.problem_text(problem) for problem in tolerant.problems]
    assert as_json.returncode == (1 if any(not row['ok'] for row in rows) else 0)
    as_csv = midox_command('check', CORPUS, '--format', 'csv', '--jobs', 1)
    read = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(row['path'], row['ok'] == 'True', row['error'] or None) for row in read] == \
        [(row['path'], row['ok'], row['error']) for row in rows]


# --- midox info -----------------------------------------------------------------------------------------------

@needs_corpus
def test_info_shows_what_a_file_holds(broken_folder):
    path = max(FILES, key=lambda path: path.stat().st_size)
    midi = midox.MidiFile(path)
    done = midox_command('info', path, broken_folder / 'data_above_127.mid')
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f'{path}: type {midi.type}, {len(midi.tracks)} tracks, '
                            f'{midi.ticks_per_beat} ticks per beat, {midi.length:.3f} s')
    count = sum(msg.type == 'note_on' for track in midi.tracks for msg in track)
    assert f'note_on {count:,}' in done.stdout
    assert 'problem: track 0, byte 22: data byte must be in range 0..127; clipped to 127' in done.stdout
    missing = midox_command('info', broken_folder / 'missing.mid')
    assert missing.returncode == 1 and 'midox: error: cannot read' in missing.stderr


# --- midox notes ----------------------------------------------------------------------------------------------

def plain(table):
    """table with its file column as plain strings (tables compare equal whatever their dictionaries)."""
    return table.set_column(0, 'file', table.column('file').cast(pa.string()))


def read_dataset(folder):
    """A Parquet dataset's parts in name order (which is also how pyarrow reads the folder)."""
    parts = sorted(pathlib.Path(folder).glob('part-*.parquet'))
    table = plain(pa.concat_tables([pq.read_table(part) for part in parts]).unify_dictionaries())
    assert plain(pq.read_table(folder)).equals(table)
    return table


@needs_corpus
@needs_pyarrow
def test_notes_equal_read_arrays_file_by_file(tmp_path):
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / str(jobs)
        out.mkdir()
        done = midox_command('notes', CORPUS, '-o', out / 'notes.parquet', '--controls', out / 'controls.parquet',
                             '--tempos', out / 'tempos.parquet', '--jobs', jobs)
        assert done.returncode == 0, done.stderr
        outputs[jobs] = {name: read_dataset(out / f'{name}.parquet') for name in ('notes', 'controls', 'tempos')}
        outputs[jobs]['files'] = pq.read_table(out / 'notes-files.parquet')
        size = corpus_tables.batch_size(len(FILES))
        assert len(list((out / 'notes.parquet').iterdir())) == -(-len(FILES) // size)    # a part per batch
    for name, table in outputs[1].items():
        assert table.equals(outputs[2][name]), name
    tables = outputs[1]
    files = tables['files'].to_pylist()
    assert [row['path'] for row in files] == [str(path) for path in FILES]
    for name in ('notes', 'controls', 'tempos'):
        by_file = {}
        for index, path in enumerate(tables[name].column('file').to_pylist()):
            by_file.setdefault(path, []).append(index)
        assert list(by_file) == [str(path) for path in FILES if str(path) in by_file]     # in file order
        for row, path in zip(files, FILES):
            arrays = midox.read_arrays(path, errors='ignore')
            expected = getattr(arrays, name)
            rows = tables[name].take(pa.array(by_file.get(str(path), []), pa.int64()))
            assert rows.num_rows == len(expected), (name, path)
            for field in expected.dtype.names:
                assert np.array_equal(rows.column(field).to_numpy(), expected[field]), (name, path, field)
            if name == 'notes':
                assert row['notes'] == len(expected) and row['size'] == path.stat().st_size
                assert (row['type'], row['tracks'], row['ticks_per_beat']) == (arrays.type, arrays.ntracks,
                                                                              arrays.ticks_per_beat)
                assert row['problems'] == [corpus.problem_text(problem) for problem in arrays.problems]


@needs_pyarrow
def test_notes_of_broken_files(broken_folder, tmp_path):
    """Tolerant by default; --strict leaves out what strict reading refuses, with the error in the files
    table; a file that hangs its worker (a FIFO nobody writes to) is reported, the others kept."""
    for strict in (False, True):
        out = tmp_path / f'notes-{strict}.parquet'
        done = midox_command('notes', broken_folder, '-o', out, *(['--strict'] if strict else []))
        assert done.returncode == 0, done.stderr
        files = pq.read_table(tmp_path / f'notes-{strict}-files.parquet').to_pylist()
        notes = read_dataset(out)
        errors = {pathlib.Path(row['path']).name: row['error'] for row in files}
        if strict:
            assert {name for name, error in errors.items() if error} == set(BROKEN)
            assert notes.num_rows == 2          # the good files' notes
        else:
            assert not any(errors.values())
            problems = {pathlib.Path(row['path']).name: row['problems'] for row in files}
            assert problems['not_midi.mid'] == ['file, byte 0: no MThd header: not a MIDI file; no tracks read']
            assert notes.num_rows == 4
    os.mkfifo(broken_folder / 'hangs.mid')          # not a regular file: named, not found by the search
    done = midox_command('notes', broken_folder, broken_folder / 'hangs.mid', '-o', tmp_path / 'hung.parquet',
                         '--timeout', 5, '--jobs', 2)     # 1 s: a small file timed out on a loaded machine
    assert done.returncode == 0, done.stderr
    files = pq.read_table(tmp_path / 'hung-files.parquet').to_pylist()
    assert {pathlib.Path(row['path']).name: row['error'] for row in files if row['error']} == \
        {'hangs.mid': 'timed out after 5 s'}
    assert read_dataset(tmp_path / 'hung.parquet').num_rows == 4
    done = midox_command('notes', broken_folder, '-o', tmp_path / 'no' / 'such' / 'notes.parquet')
    assert done.returncode == 1 and "no folder" in done.stderr


# --- midox stats ----------------------------------------------------------------------------------------------

@needs_corpus
@needs_plotting
def test_stats_sum_up_the_corpus(tmp_path, broken_folder):
    paths = FILES
    done = midox_command('stats', CORPUS, '--plot', tmp_path / 'stats.png', '--jobs', 2)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    arrays = [midox.read_arrays(path, errors='ignore') for path in paths]
    notes = np.concatenate([found.notes for found in arrays])
    pitched = notes[notes['channel'] != 9]
    with_problems = sum(bool(found.problems) for found in arrays)
    assert lines[0].startswith(f'files: {len(paths):,} ({len(paths):,} read, 0 failed, {with_problems:,} read with '
                               f'problems)')
    assert lines[1] == f'notes: {len(notes):,} ({len(notes) - len(pitched):,} on the drum channel)'
    counts = np.bincount(pitched['pitch'], minlength=128)
    top = int(np.argmax(counts))
    assert f'most common {top} ({counts[top]:,})' in done.stdout
    lengths = [found.length for found in arrays if found.type != 2]
    assert f'total {sum(lengths) / 3600:,.1f} h' in done.stdout
    assert (tmp_path / 'stats.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    broken = midox_command('stats', broken_folder)
    assert broken.returncode == 0 and 'files: 6 (6 read, 0 failed, 4 read with problems)' in broken.stdout
    # Fewer than 5 pitches: the most common are those played, not padded with pitches never played
    pitches = next(line for line in broken.stdout.splitlines() if line.startswith('pitches'))
    assert ' (0)' not in pitches, pitches


@needs_pyarrow
def test_notes_columns(broken_folder, tmp_path):
    done = midox_command('notes', broken_folder / 'good.mid', '-o', tmp_path / 'notes.parquet', '--columns',
                         'pitch, start_time,velocity')
    assert done.returncode == 0, done.stderr
    table = read_dataset(tmp_path / 'notes.parquet')
    notes = midox.read_arrays(broken_folder / 'good.mid').notes
    assert table.column_names == ['file', 'pitch', 'start_time', 'velocity']
    assert table.to_pydict() == {'file': [str(broken_folder / 'good.mid')], 'pitch': notes['pitch'].tolist(),
                                 'start_time': notes['start_time'].tolist(), 'velocity': notes['velocity'].tolist()}
    wrong = midox_command('notes', broken_folder, '-o', tmp_path / 'x.parquet', '--columns', 'pitch,bogus')
    assert wrong.returncode == 1 and "notes have no field 'bogus'" in wrong.stderr


# --- midox repair ---------------------------------------------------------------------------------------------

def test_repair_a_folder_and_a_file(broken_folder, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp('repairs')          # outside broken_folder (which is a tmp_path)
    out = tmp_path / 'repaired'
    done = midox_command('repair', broken_folder, out, '--jobs', 2)
    assert done.returncode == 0, done.stderr
    sources = corpus.find_files([broken_folder])
    repaired = corpus.find_files([out])
    assert [path.relative_to(out) for path in repaired] == [path.relative_to(broken_folder) for path in sources]
    for source, target in zip(sources, repaired):
        midox.MidiFile(target)          # strict reading takes every repaired file
        changes = midox.midifiles.repair_file(source, tmp_path / 'again.mid')
        if changes:
            assert f'{source}: {len(changes)} change' in done.stdout
            assert all(f'  {line}' in done.stdout.splitlines() for line in changes)
    assert done.stderr.strip() == 'midox repair: 6 files, 4 changed, 2 saved as they were, 0 not repaired'
    assert midox_command('check', out).returncode == 0
    one = midox_command('repair', broken_folder / 'truncated.mid', tmp_path)
    assert one.returncode == 0 and (tmp_path / 'truncated.mid').exists()
    same = midox_command('repair', broken_folder / 'good.mid', broken_folder)
    assert same.returncode == 1 and 'OUT is IN' in same.stderr


# --- the progress bar and Ctrl-C -------------------------------------------------------------------------------

def test_progress_bar_on_request_only(broken_folder):
    quiet = midox_command('check', broken_folder)
    assert 'files/s' not in quiet.stderr and '%' not in quiet.stderr       # stderr is not a terminal
    shown = midox_command('check', broken_folder, '--progress')
    assert '/6 [' in shown.stderr and 'files/s' in shown.stderr              # tqdm: done/total, time, rate


@needs_corpus
@needs_pyarrow
def test_ctrl_c_stops_every_worker(tmp_path):
    """SIGINT while the workers are busy: exit status 130, no traceback, no worker left behind."""
    import signal
    import time

    folder = tmp_path / 'many'
    folder.mkdir()
    for index in range(2000):
        source = FILES[index % len(FILES)]
        (folder / f'{index:05d}_{source.name}').symlink_to(source)
    process = subprocess.Popen([sys.executable, '-c', 'import os, signal, sys; signal.signal(signal.SIGINT, '
                                'signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])', sys.executable, '-m',
                                'midox.scripts.main', 'notes', str(folder), '-o', str(tmp_path / 'notes.parquet'),
                                '--jobs', '2'], cwd=child_process.NEUTRAL_CWD, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        assert process.poll() is None, process.communicate()
        workers = subprocess.run(['pgrep', '-P', str(process.pid)], capture_output=True, text=True).stdout.split()
        assert workers, 'no worker processes seen'
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert 'Traceback' not in stderr
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(running, workers)), 'a worker outlived the program'


def running(pid):
    """Whether process pid runs (a zombie waiting for its reaping does not)."""
    try:
        with open(f'/proc/{pid}/stat', encoding='ascii', errors='replace') as stat:
            return stat.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


# --- collecting a table in memory -------------------------------------------------------------------------------

@needs_corpus
@needs_pyarrow
def test_read_table_gives_read_arrays_rows_in_file_order():
    some = FILES[::5]
    for jobs in (1, 2):
        notes = corpus_tables.read_table(some, jobs=jobs)
        expected = [midox.read_arrays(path, errors='ignore').notes for path in some]
        assert notes.column('file').to_pylist() == [str(path) for path, rows in zip(some, expected)
                                                    for _ in range(len(rows))]
        joined = np.concatenate(expected)
        for field in joined.dtype.names:
            assert np.array_equal(notes.column(field).to_numpy(), joined[field]), field
    tempos = corpus_tables.read_table(some, 'tempos', columns=('tick', 'tempo'), jobs=2).to_pandas()
    assert list(tempos.columns) == ['file', 'tick', 'tempo']
    assert tempos['tempo'].tolist() == [tempo for path in some
                                        for tempo in midox.read_arrays(path, errors='ignore').tempos['tempo'].tolist()]
    with pytest.raises(ValueError, match='table must be one of'):
        corpus_tables.read_table(some, 'texts')
