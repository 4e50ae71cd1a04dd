#!/usr/bin/env python
"""Time `midox notes` (midox.corpus.tables.collect: every note of every file into a Parquet dataset) on a
corpus of many files, with 1 and 2 worker processes, against the same job done with symusic in a
multiprocessing pool, and with pretty_midi on a few files for context.

    python benchmarks/bench_corpus.py                  # 20,000 files (the corpus repeated), a few minutes
    python benchmarks/bench_corpus.py --files 2000     # a quicker run
    python benchmarks/bench_corpus.py --json out.json  # also write the results as JSON

The corpus is ../shared/corpus beside the project, or the directory MIDOX_CORPUS names; its files are linked
under new names into a temporary folder until there are --files of them. Each job writes the same kind of
output: one Parquet part per batch of consecutive files (midox.corpus.tables.batch_size), written by the
workers, with a file column. midox writes every column of its notes table; symusic writes the columns it
has (track, start, duration, pitch, velocity). Wall time: the best of --repeat runs of each job, the jobs
alternating, with every run's time shown beside it. The parent's peak memory (VmHWM, Linux) is measured on a
quarter of the files and on all of them: it must not grow with the corpus. Beside the 2-jobs scaling, the
same ratio for a pure-Python loop that touches no memory shows what this machine's two CPUs can give at
most. Rows that miss their target are marked MISSED; the exit status is 0 whatever the numbers are.
"""
import argparse
import importlib.util
import multiprocessing
import os
import pathlib
import shutil
import sys
import tempfile
import time
import warnings

import midox
from midox.arrays import DTYPES
from midox.corpus import tables as corpus_tables
from benchtools import corpus_directory, cpu_model, load_average, package_version, print_columns, write_json

try:
    import symusic
except ImportError:
    symusic = None

SCALING_TARGET = 1.8            # 2 jobs / 1 job
SYMUSIC_TARGET = 1.5            # symusic time / midox time, 2 jobs each
PRETTY_MIDI_FILES = 40
# The columns symusic's notes have (it keeps the start and the duration; midox the start and the end): the
# comparison with symusic writes these, so that both encode the same amount of Parquet.
SYMUSIC_COLUMNS = ('track', 'start', 'end', 'pitch', 'velocity')


def link_corpus(source, folder, count):
    """count links to the MIDI files of source in folder, under new names; their paths, sorted."""
    files = sorted(path for path in source.glob('*') if path.suffix.lower() in midox.corpus.SUFFIXES)
    for index in range(count):
        original = files[index % len(files)]
        os.symlink(original, folder / f'{index // len(files):04d}_{original.name}')
    return midox.corpus.find_files([folder])


def peak_rss():
    with open('/proc/self/status', encoding='ascii') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) * 1024
    return None


def reset_peak():
    """Reset VmHWM to the current resident set (Linux); False where that cannot be done."""
    try:
        with open('/proc/self/clear_refs', 'w', encoding='ascii') as clear:
            clear.write('5')
        return True
    except OSError:
        return False


def run_midox(paths, out, jobs, columns=None):
    """collect() into out (columns: the notes' fields, default all); (seconds, notes, parent's peak bytes
    above the start or None)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    measured = reset_peak()
    start_rss = peak_rss() if measured else None
    started = time.perf_counter()
    corpus_tables.collect(paths, {'notes': out / 'notes.parquet'}, out / 'files.parquet', jobs=jobs, timeout=60,
                          columns={'notes': columns} if columns else None)
    seconds = time.perf_counter() - started
    peak = peak_rss() - start_rss if measured else None
    import pyarrow.parquet as pq
    notes = sum(pq.read_table(out / 'files.parquet', columns=['notes']).column('notes').to_pylist())
    return seconds, notes, peak


def symusic_batch(task):
    """symusic's version of write_batch: its notes (numpy per track) of each file into one Parquet part."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    part, paths = task
    batches, notes = [], 0
    for path in paths:
        try:
            score = symusic.Score(path)
        except Exception:
            continue
        for index, track in enumerate(score.tracks):
            found = track.notes.numpy()
            count = len(found['time'])
            if not count:
                continue
            notes += count
            batches.append(pa.RecordBatch.from_arrays(
                [pa.DictionaryArray.from_arrays(pa.array(np.zeros(count, np.int32)), pa.array([path])),
                 pa.array(np.full(count, index, np.uint16))] + [pa.array(found[key]) for key in
                                                                ('time', 'duration', 'pitch', 'velocity')],
                ['file', 'track', 'start', 'duration', 'pitch', 'velocity']))
    if batches:
        table = pa.Table.from_batches(batches).unify_dictionaries().combine_chunks()
        pq.write_table(table, part, use_dictionary=['file'], row_group_size=max(table.num_rows, 1))
    return notes


def run_symusic(paths, out, jobs):
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    size = corpus_tables.batch_size(len(paths))
    tasks = [(str(out / f'part-{start // size:06d}.parquet'), [str(path) for path in paths[start:start + size]])
             for start in range(0, len(paths), size)]
    started = time.perf_counter()
    with multiprocessing.get_context('spawn').Pool(jobs) as pool:
        notes = sum(pool.imap(symusic_batch, tasks))
    return time.perf_counter() - started, notes


def spin(_=None):
    """Seconds of a pure-Python loop that touches no memory: what one core computes alone or beside another."""
    started, total = time.perf_counter(), 0
    for number in range(15_000_000):
        total += number
    return time.perf_counter() - started


def spin_beside(barrier, results):
    barrier.wait()          # both processes have started: they spin at the same time
    results.put(spin())


def spin_pair():
    """Seconds until both of two processes spinning at the same time are done."""
    context = multiprocessing.get_context('spawn')
    barrier, results = context.Barrier(2), context.Queue()
    pair = [context.Process(target=spin_beside, args=(barrier, results)) for _ in range(2)]
    for process in pair:
        process.start()
    slower = max(results.get() for _ in pair)
    for process in pair:
        process.join()
    return slower


def machine_scaling(repeat):
    """How much faster two processes of pure computation finish than one does twice, best times of `repeat`
    alternating runs: the most any work of two jobs can gain here (virtual CPUs can share a physical core, a
    clock budget or their host with other machines); and every run's ratio, to show how much that varies."""
    alone, pairs = [], []
    for _ in range(repeat):
        alone.append(spin())
        pairs.append(spin_pair())
    return 2 * min(alone) / min(pairs), [2 * one / two for one, two in zip(alone, pairs)]


def spread(runs):
    """The times of every run, for the target column: how much the machine varied."""
    return 'runs ' + ', '.join(f'{run:.1f}' for run in runs) + ' s' if len(runs) > 1 else ''


def run_pretty_midi(paths):
    """pretty_midi's notes of each file, one process; (seconds, files read)."""
    import pretty_midi

    started, done = time.perf_counter(), 0
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for path in paths:
            try:
                midi = pretty_midi.PrettyMIDI(str(path))
            except Exception:
                continue
            [(note.start, note.end, note.pitch, note.velocity) for instrument in midi.instruments
             for note in instrument.notes]
            done += 1
    return time.perf_counter() - started, done


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--files', type=int, default=20000, help='files in the corpus (default 20000)')
    parser.add_argument('--json', metavar='PATH', help='also write the results as JSON to PATH')
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs of each timed job, alternating; the best counts (default 3)')
    args = parser.parse_args(argv)
    source = corpus_directory()
    if not any(source.glob('*.mid')):
        print(f'bench_corpus: no MIDI files in {source}: set MIDOX_CORPUS. Nothing measured.')
        return 0
    print(f'Python {sys.version.split()[0]} | midox {package_version(midox, "midox")} | symusic '
          f'{package_version(symusic, "symusic") if symusic else "not installed"} | CPU {cpu_model()} '
          f'({os.cpu_count()} CPUs) | {load_average()}')
    started = time.perf_counter()
    rows, report = [], {}
    with tempfile.TemporaryDirectory(prefix='midox-bench-corpus-') as temp:
        temp = pathlib.Path(temp)
        (temp / 'in').mkdir()
        paths = link_corpus(source, temp / 'in', args.files)
        megabytes = sum(path.stat().st_size for path in paths) / 1e6
        print(f'corpus: {len(paths):,} files ({megabytes:.0f} MB), links to the {source} files; parts of '
              f'{corpus_tables.batch_size(len(paths))} files')
        run_midox(paths[:8], temp / 'warm', 1)          # the parent's imports (pyarrow, NumPy) happen here
        quarter = paths[:len(paths) // 4]
        _, _, quarter_peak = run_midox(quarter, temp / 'quarter', 2)
        # The jobs alternate, and each one's best run counts: this machine's virtual CPUs are shared with other
        # machines, and a single run can be slowed by a third.
        times = {1: [], 2: []}
        for _ in range(args.repeat):
            for jobs in (1, 2):
                seconds, notes, peak = run_midox(paths, temp / f'midox-{jobs}', jobs)
                times[jobs].append(seconds)
                if seconds == min(times[jobs]):
                    report[f'midox_{jobs}'] = {'seconds': seconds, 'notes': notes, 'parent_peak_bytes': peak,
                                               'runs': times[jobs]}
        for jobs in (1, 2):
            best = report[f'midox_{jobs}']
            rows.append([f'midox notes, {jobs} job{"s" if jobs > 1 else ""}', f'{best["seconds"]:.2f} s',
                         f'{len(paths) / best["seconds"]:,.0f}', f'{best["notes"] / best["seconds"] / 1e6:.2f} M',
                         '' if best['parent_peak_bytes'] is None else f'{best["parent_peak_bytes"] / 1e6:.0f} MB',
                         '', spread(times[jobs])])
        scaling = min(times[1]) / min(times[2])
        rows.append(['2 jobs / 1 job', '', '', '', '', f'{scaling:.2f}x',
                     f'>= {SCALING_TARGET}x ' + ('ok' if scaling >= SCALING_TARGET else 'MISSED')])
        ceiling, ceilings = machine_scaling(args.repeat)
        report['machine_scaling'] = {'best': ceiling, 'runs': ceilings}
        rows.append(['2 processes of pure computation / 1', '', '', '', '', f'{ceiling:.2f}x',
                     f"this machine's ceiling ({scaling / ceiling:.0%} reached); runs "
                     + ', '.join(f'{run:.2f}x' for run in ceilings)])
        if quarter_peak is not None and report['midox_2']['parent_peak_bytes'] is not None:
            rows.append([f'parent peak, {len(quarter):,} files (2 jobs)', '', '', '', f'{quarter_peak / 1e6:.0f} MB',
                         '', 'bounded: about the same as for all files'])
        if symusic is not None:
            same_runs, symusic_runs = [], []
            for _ in range(args.repeat):
                same, notes, _ = run_midox(paths, temp / 'midox-columns', 2, SYMUSIC_COLUMNS)
                same_runs.append(same)
                seconds, symusic_notes = run_symusic(paths, temp / 'symusic', 2)
                symusic_runs.append(seconds)
            same, seconds = min(same_runs), min(symusic_runs)
            report['midox_2_symusic_columns'] = {'seconds': same, 'notes': notes, 'runs': same_runs}
            rows.append([f'midox notes, 2 jobs, {len(SYMUSIC_COLUMNS)} columns', f'{same:.2f} s',
                         f'{len(paths) / same:,.0f}', f'{notes / same / 1e6:.2f} M', '', '', spread(same_runs)])
            report['symusic_2'] = {'seconds': seconds, 'notes': symusic_notes, 'runs': symusic_runs}
            ratio = seconds / same
            rows.append(['symusic, pool of 2', f'{seconds:.2f} s', f'{len(paths) / seconds:,.0f}',
                         f'{symusic_notes / seconds / 1e6:.2f} M', '', f'{ratio:.2f}x',
                         '; '.join(filter(None, [f'>= {SYMUSIC_TARGET}x '
                                                 + ('ok' if ratio >= SYMUSIC_TARGET else 'MISSED'),
                                                 spread(symusic_runs)]))])
        if importlib.util.find_spec('pretty_midi') is not None:
            subset = paths[::max(1, len(paths) // PRETTY_MIDI_FILES)][:PRETTY_MIDI_FILES]
            seconds, done = run_pretty_midi(subset)
            per_file = seconds / max(done, 1)
            report['pretty_midi'] = {'files': done, 'seconds': seconds}
            rows.append([f'pretty_midi, 1 process ({done} files)', f'{per_file * len(paths):.0f} s (extrapolated)',
                         f'{1 / per_file:,.0f}', '', '', f'{per_file * len(paths) / min(times[1]):.0f}x', 'vs 1 job'])
    print_columns(['job', 'time', 'files/s', 'notes/s', 'parent peak', 'ratio', 'target'], rows, right={1, 2, 3, 4, 5})
    print(f'ran in {time.perf_counter() - started:.0f} s; {load_average()} at the end. ratio: 2 jobs against 1; '
          f'symusic: its time / midox\'s with 2 jobs writing the same columns (file, '
          f'{", ".join(SYMUSIC_COLUMNS)}; midox writes all {len(DTYPES["notes"].names)} by default); '
          f'pretty_midi: its extrapolated time / midox\'s with 1 job.')
    if args.json:
        write_json(args.json, dict(report, files=len(paths), megabytes=megabytes))
    return 0


if __name__ == '__main__':
    main()
    sys.exit(0)
