"""midox: work on MIDI files and whole corpora of them (docs/guide/corpus.md).

    midox info FILE...                      what a file holds: type, tracks, timing, length, messages, problems
    midox check PATH... [--format F]        which files strict reading refuses, and what tolerant reading finds
    midox repair IN OUT                     repaired files that strict reading takes back, and what changed
    midox notes PATH... -o notes.parquet    every note of every file (and controls, tempos, files) as Parquet
    midox stats PATH... [--plot IMAGE]      a corpus in numbers: files, notes, lengths, pitches, tempos, ...

PATH is a file or a folder (searched recursively for .mid, .midi, .kar and .rmi files). The corpus commands
run on all cores (--jobs), report a file that crashes or hangs a worker (--timeout) instead of stopping, give
their results in a stable order, and show a progress bar when stderr is a terminal.
"""
import argparse
import collections
import csv
import importlib.util
import json
import sys

from midox import corpus

from ._common import EXIT_ERROR, EXIT_OK, ProgramError, describe, run, say

PROG = 'midox'
DEFAULT_TIMEOUT = 60.0          # seconds a worker may spend on one file
SHOWN_PROBLEMS = {'check': 3, 'info': 20}       # problems listed per file; the rest are counted


def make_parser():
    parser = argparse.ArgumentParser(prog=PROG, description='Work on MIDI files and whole corpora of them.')
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')

    info = commands.add_parser('info', help='what a file holds', description='Show what each file holds: its '
                               'type, tracks, ticks per beat, length, messages of each type and problems.')
    info.add_argument('files', metavar='FILE', nargs='+')

    def corpus_options(command):
        command.add_argument('paths', metavar='PATH', nargs='+', help='a MIDI file, or a folder to search')
        run_options(command)

    def run_options(command):
        command.add_argument('-j', '--jobs', type=int, default=None,
                             help=f'worker processes (default: all {corpus.default_jobs()} CPUs)')
        command.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT,
                             help=f'seconds a file may take before it is reported as hung (default {DEFAULT_TIMEOUT:g})')
        command.add_argument('--progress', action=argparse.BooleanOptionalAction, default=None,
                             help='show a progress bar (default: when stderr is a terminal)')

    check = commands.add_parser('check', help='which files are broken, and why', description='Read each file '
                                'strictly, and the files it refuses tolerantly: one line per broken file with '
                                'the error and the problems found. Exit status 1 if any file is broken.')
    corpus_options(check)
    check.add_argument('--format', choices=('table', 'json', 'csv'), default='table',
                       help='table: one line per broken file; json and csv: every file (default: table)')

    notes = commands.add_parser('notes', help='every note as a Parquet dataset', description='Read every '
                                'file into arrays (midox.read_arrays) and write their notes, with a file column, '
                                'as a Parquet dataset (a folder of parts); also a files table, and controls and '
                                'tempos if asked for.')
    corpus_options(notes)
    notes.add_argument('-o', '--output', required=True, metavar='NOTES.parquet', help='the notes (a folder)')
    notes.add_argument('--files', metavar='FILES.parquet',
                       help='one row per file (default: the output name with -files before .parquet)')
    notes.add_argument('--controls', metavar='CONTROLS.parquet', help='also the controls (a folder)')
    notes.add_argument('--tempos', metavar='TEMPOS.parquet', help='also the tempos (a folder)')
    notes.add_argument('--pairing', choices=('fifo', 'all'), default='fifo',
                       help="how note-offs close notes (read_arrays' pairing; default fifo)")
    notes.add_argument('--columns', metavar='FIELD,...',
                       help='the fields of the notes to write, besides file (default: all of them)')
    notes.add_argument('--strict', action='store_true',
                       help='leave out the files strict reading refuses (default: read them tolerantly)')
    notes.add_argument('--scheduler', metavar='ADDRESS',
                       help="run on this Dask cluster's workers (tcp://host:8786), not on local processes; "
                            "pip install 'midox[dask]'")
    repair = commands.add_parser('repair', help='repair broken files', description='Read each file tolerantly, '
                                 'repair what a file cannot hold and save it; print what was changed. IN and OUT '
                                 'are files, or folders (OUT gets the files of IN at the same places).')
    repair.add_argument('source', metavar='IN', help='a MIDI file, or a folder to search')
    repair.add_argument('target', metavar='OUT', help='the repaired file, or the folder of repaired files')
    run_options(repair)

    stats = commands.add_parser('stats', help='a corpus in numbers', description='Summarise a corpus: files '
                                'read and failed, notes, lengths, pitches, programs, tempos, time signatures.')
    corpus_options(stats)
    stats.add_argument('--plot', metavar='IMAGE', help='also draw the histograms into IMAGE (.png, .svg, '
                                                       '.pdf; needs matplotlib)')
    return parser


# --- info -------------------------------------------------------------------------------------------------

def _info(args):
    from midox.midifiles import MidiFile

    status = EXIT_OK
    for index, name in enumerate(args.files):
        if index:
            say()
        try:
            with open(name, 'rb') as file:
                data = file.read()
        except OSError as error:
            raise ProgramError(f'cannot read {name!r}: {describe(error)}') from None
        check = corpus.check_bytes(data, name)
        if check.tolerant_error is not None:
            say(f'{name}: not readable: {check.tolerant_error}')
            status = EXIT_ERROR
            continue
        midi = MidiFile(file=_bytes_file(data), errors='ignore')
        timing = (f"{midi.ticks_per_beat} ticks per beat" if midi.smpte is None
                  else f'SMPTE {midi.smpte[0]} frames of {midi.smpte[1]} ticks')
        counts = collections.Counter(msg.type for track in midi.tracks for msg in track)
        say(f'{name}: type {midi.type}, {len(midi.tracks)} track{"s" if len(midi.tracks) != 1 else ""}, '
            f'{timing}, {_length(midi)}, {len(data):,} bytes')
        say('  messages: ' + (', '.join(f'{kind} {count:,}' for kind, count in counts.most_common()) or 'none'))
        if check.ok:
            say('  problems: none (strict reading takes it)')
        else:
            say(f'  strict reading refuses it: {check.error}')
            for problem in midi.problems[:SHOWN_PROBLEMS['info']]:
                say(f'  problem: {corpus.problem_text(problem)}')
            if len(midi.problems) > SHOWN_PROBLEMS['info']:
                say(f'  and {len(midi.problems) - SHOWN_PROBLEMS["info"]:,} more problems')
    return status


def _bytes_file(data):
    import io

    return io.BytesIO(data)


def _length(midi):
    try:
        return f'{midi.length:.3f} s'
    except ValueError:          # type 2: no length
        return 'no length (type 2)'
    except ZeroDivisionError:   # 0 ticks per beat
        return 'no length (0 ticks per beat)'


# --- the corpus commands ----------------------------------------------------------------------------------

def _files(args):
    try:
        files = corpus.find_files(args.paths)
    except FileNotFoundError as error:
        raise ProgramError(str(error)) from None
    if args.jobs is not None and args.jobs < 1:
        raise ProgramError(f'--jobs must be at least 1, not {args.jobs}')
    if args.timeout <= 0:
        raise ProgramError(f'--timeout must be more than 0 seconds, not {args.timeout:g}')
    return files


def _progress(args):
    return sys.stderr.isatty() if args.progress is None else args.progress


def _outcomes(args, function, files):
    """Outcomes of function over files, with the progress bar."""
    with corpus.progress_bar(len(files), _progress(args)) as advance:
        for outcome in corpus.run(function, files, jobs=args.jobs, timeout=args.timeout):
            advance()
            yield outcome


def _check_row(outcome):
    """(path, size, ok, error, problems, tolerant error) of one outcome of check_file."""
    if not outcome.ok:          # the worker crashed, hung, or the file could not be opened
        return str(outcome.item), None, False, outcome.error, [], None
    check = outcome.value
    return check.path, check.size, check.ok, check.error, [corpus.problem_text(p) for p in check.problems], \
        check.tolerant_error


def _check(args):
    files = _files(args)
    broken = 0
    writer = None
    if args.format == 'csv':
        writer = csv.writer(sys.stdout, lineterminator='\n')
        writer.writerow(['path', 'size', 'ok', 'error', 'problems', 'tolerant_error'])
    elif args.format == 'json':
        say('[', end='')
    for number, outcome in enumerate(_outcomes(args, corpus.check_file, files)):
        path, size, ok, error, problems, tolerant_error = _check_row(outcome)
        broken += not ok
        if args.format == 'table':
            if not outcome.ok:          # the worker crashed or hung: no reading to speak of
                say(f'{path}: {error}')
            elif not ok:
                found = f'; tolerant reading: {len(problems)} problem{"s" if len(problems) != 1 else ""}'
                if tolerant_error:
                    found = f'; tolerant reading fails too: {tolerant_error}'
                elif problems:
                    shown = SHOWN_PROBLEMS['check']
                    found += ': ' + '; '.join(problems[:shown])
                    found += f'; and {len(problems) - shown} more' if len(problems) > shown else ''
                say(f'{path}: {error}{found}')
        elif args.format == 'csv':
            writer.writerow([path, size, ok, error or '', ' | '.join(problems), tolerant_error or ''])
        else:
            say((',\n' if number else '\n') + json.dumps(
                {'path': path, 'size': size, 'ok': ok, 'error': error, 'problems': problems,
                 'tolerant_error': tolerant_error}), end='')
    if args.format == 'json':
        say('\n]')
    sys.stdout.flush()
    print(f'{PROG} check: {len(files)} file{"s" if len(files) != 1 else ""}, {broken} broken', file=sys.stderr)
    return EXIT_ERROR if broken else EXIT_OK


def _notes(args):
    import pathlib

    try:
        from midox.corpus.tables import collect
    except ImportError as error:
        raise ProgramError(f"{describe(error)}; midox notes needs pyarrow and NumPy: pip install 'midox[cli]'")
    files = _files(args)
    output = pathlib.Path(args.output)
    folders = {'notes': output}
    for name in ('controls', 'tempos'):
        if getattr(args, name):
            folders[name] = pathlib.Path(getattr(args, name))
    files_table = pathlib.Path(args.files) if args.files else output.with_name(output.stem + '-files.parquet')
    for path in [*folders.values(), files_table]:       # fail now, not after reading the corpus
        if not path.parent.is_dir():
            raise ProgramError(f'cannot write {str(path)!r}: no folder {str(path.parent)!r}')
        if path.is_file() and path != files_table:
            raise ProgramError(f'{str(path)!r} is a file: a Parquet dataset is a folder of parts')
    columns = {'notes': tuple(field.strip() for field in args.columns.split(','))} if args.columns else None
    if columns:
        try:
            from midox.corpus.tables import table_schema
            table_schema('notes', columns['notes'])
        except ValueError as error:
            raise ProgramError(str(error)) from None
    client = _dask_client(args.scheduler) if args.scheduler else None
    try:
        with corpus.progress_bar(len(files), _progress(args)) as advance:
            failed = collect(files, folders, files_table, jobs=args.jobs, timeout=args.timeout,
                             errors='strict' if args.strict else 'ignore', pairing=args.pairing, columns=columns,
                             advance=advance, client=client)
    except OSError as error:
        raise ProgramError(f'cannot write the output: {describe(error)}') from None
    finally:
        if client is not None:
            client.close()
    print(f'{PROG} notes: {len(files)} files; notes in {output}/, files table {files_table}; '
          f'{failed} file{"s" if failed != 1 else ""} not read', file=sys.stderr)
    return EXIT_OK


def _dask_client(address):
    try:
        from dask.distributed import Client
    except ImportError:
        raise ProgramError("--scheduler needs Dask: pip install 'midox[dask]'") from None
    try:
        return Client(address)          # waits as long as Dask's config says (distributed.comm.timeouts.connect)
    except (OSError, TimeoutError) as error:
        raise ProgramError(f'cannot reach the Dask scheduler at {address}: {describe(error)}') from None


def _repair(args):
    import pathlib

    from midox.corpus.repairs import repair_to, targets

    source, target = pathlib.Path(args.source), pathlib.Path(args.target)
    if source.is_dir():
        if target.exists() and not target.is_dir():
            raise ProgramError(f'{str(target)!r} is a file: a folder is repaired into a folder')
        args.paths = [source]
        pairs = targets(_files(args), source, target)
    elif source.exists():
        if target.is_dir():
            target = target / source.name
        pairs = [(source, target)]
    else:
        raise ProgramError(f'no such file or folder: {str(source)!r}')
    if pairs and pathlib.Path(pairs[0][1]).resolve() == pathlib.Path(pairs[0][0]).resolve():
        raise ProgramError('OUT is IN: the repair goes to another file')
    changed = failed = 0
    for outcome in _outcomes(args, repair_to, pairs):
        path = outcome.item[0]
        if not outcome.ok:
            failed += 1
            say(f'{path}: not repaired: {outcome.error}')
        elif outcome.value:
            changed += 1
            say(f'{path}: {len(outcome.value)} change{"s" if len(outcome.value) != 1 else ""}')
            for line in outcome.value:
                say(f'  {line}')
    print(f'{PROG} repair: {len(pairs)} file{"s" if len(pairs) != 1 else ""}, {changed} changed, '
          f'{len(pairs) - changed - failed} saved as they were, {failed} not repaired', file=sys.stderr)
    return EXIT_ERROR if failed else EXIT_OK


def _stats(args):
    try:
        from midox.corpus.stats import CorpusStats, file_stats
    except ImportError as error:
        raise ProgramError(f"{describe(error)}; midox stats needs NumPy: pip install 'midox[cli]'")
    if args.plot and importlib.util.find_spec('matplotlib') is None:        # say so before the work
        raise ProgramError('--plot needs matplotlib: pip install matplotlib')
    summary = CorpusStats()
    for outcome in _outcomes(args, file_stats, _files(args)):
        summary.add(outcome.value if outcome.ok else {'path': str(outcome.item), 'error': outcome.error})
    for line in summary.report():
        say(line)
    if args.plot:
        summary.plot(args.plot)
        print(f'{PROG} stats: histograms drawn into {args.plot}', file=sys.stderr)
    return EXIT_OK


COMMANDS = {'info': _info, 'check': _check, 'repair': _repair, 'notes': _notes, 'stats': _stats}


def main(argv=None):
    args = make_parser().parse_args(argv)
    return run(PROG, lambda: COMMANDS[args.command](args))


if __name__ == '__main__':
    sys.exit(main())
