#!/usr/bin/env python
"""Time midox.read_arrays and MidiArrays.to_bytes against symusic on a corpus of real Standard MIDI Files, and
measure the memory the tables keep per note.

    python benchmarks/bench_arrays.py                  # full run, about 30 s on 2 cores
    python benchmarks/bench_arrays.py --quick          # every 4th corpus file, fewer repeats (~7 s)
    python benchmarks/bench_arrays.py --json out.json  # also write the results as JSON

The corpus is ../shared/corpus beside the project, or the directory MIDOX_CORPUS names; without one the
script says so and exits. Every file is read into memory first. Only the files symusic reads count (it rejects
the files whose channel messages hold data bytes above 127). Both libraries run in loops whose length is
chosen like timeit's autorange, best of several repeats, their loops alternating, the garbage collector off.

Rows that miss their target are marked MISSED; the exit status is 0 whatever the numbers are. The one
exception: if midox and symusic do not find the same number of notes in the corpus (or the tables that
to_bytes() writes do not read back to the same notes), the comparison would be meaningless, and the script
stops with an AssertionError.
"""
import argparse
import ctypes
import gc
import io
import json
import os
import pathlib
import platform
import subprocess
import sys
import time
import timeit
import tracemalloc
import warnings

import numpy
import midox
from midox.arrays import TABLES
from benchtools import (autorange, corpus_directory, cpu_model, format_rate, format_seconds, gc_off, load_average,
                        package_version, print_columns, run_loop, write_json)

try:
    import symusic
except ImportError:
    symusic = None

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUFFIXES = ('.mid', '.midi')
READ_TARGET = 1.5           # symusic time / midox time
WRITE_TARGET = 1.0
MEMORY_TARGET = 48          # bytes retained per note, at most
QUICK_EVERY = 4             # --quick: every 4th corpus file (by name) stands for the corpus
PRETTY_MIDI_FILES = 20      # pretty_midi is timed once on this many files (full run only), then extrapolated
# The tables a symusic Score also holds (its tracks: notes, controls, pitch bends, pedals, lyrics; the score:
# tempos, time and key signatures, markers). The read row makes exactly these into arrays.
COMPARED_TABLES = ('notes', 'controls', 'pitch_bends', 'tempos', 'time_signatures', 'key_signatures', 'texts')


# --- environment ------------------------------------------------------------------------------------------

def corpus_paths(corpus):
    return sorted(path for path in corpus.glob("*") if path.suffix.lower() in SUFFIXES) if corpus.is_dir() else []


# --- the timed operations ---------------------------------------------------------------------------------

def midox_read_all(items, read_arrays):
    """read_arrays(data) for each (data, errors, clip), with the tables a symusic Score also holds made into
    arrays (they are made lazily, on first access). The list of MidiArrays."""
    out = []
    for data, errors, clip in items:
        arrays = read_arrays(data, errors=errors, pairing='fifo', clip=clip)
        arrays.notes
        arrays.controls
        arrays.pitch_bends
        arrays.tempos
        arrays.time_signatures
        arrays.key_signatures
        arrays.texts
        out.append(arrays)
    return out


def symusic_read_all(datas, from_midi):
    return [from_midi(data) for data in datas]


def midox_write_all(arrays_list):
    return [arrays.to_bytes() for arrays in arrays_list]


def symusic_write_all(scores):
    return [score.dumps_midi() for score in scores]


def midifile_load_all(items, midi_file):
    """midox.MidiFile(file=BytesIO(data)) for each file: the messages (context)."""
    return [midi_file(file=io.BytesIO(data), errors=errors, clip=clip) for data, errors, clip in items]


def compare(calls, min_loop_ns, repeats):
    """Time calls = {name: (function, args)}: function(*args) in autoranged timeit loops, best of `repeats`.

    The libraries' loops alternate (a, b, a, b, ...), so a slow spell of the machine hits all of them.
    Returns {name: best nanoseconds per call}. Freeing the result is part of each call, as in any timeit loop.
    """
    timers = {name: timeit.Timer("function(*ARGS)", globals={"function": function, "ARGS": args},
                                 timer=time.perf_counter_ns)
              for name, (function, args) in calls.items()}
    loops = {name: autorange(timer, min_loop_ns) for name, timer in timers.items()}
    best = {name: float("inf") for name in timers}
    for _ in range(repeats):
        for name, timer in timers.items():
            best[name] = min(best[name], run_loop(timer, loops[name]) / loops[name])
    return best


def time_each_once(function, inputs):
    """Call function(x) once for each x, collector off; (nanoseconds of the calls that succeeded, inputs they
    succeeded on). Freeing each result is part of its time."""
    total, done = 0, []
    with gc_off():
        for x in inputs:
            start = time.perf_counter_ns()
            try:
                function(x)
            except Exception:
                continue
            total += time.perf_counter_ns() - start
            done.append(x)
    return total, done


# --- memory -----------------------------------------------------------------------------------------------

def row_bytes(arrays_list):
    """The bytes of the tables' rows (midox allocates them in C, with PyMem_RawMalloc, which tracemalloc traces).

    Each array made from rows read is a view of a midox._core._arrays.Rows object, sized to fit (its len)."""
    total = 0
    for arrays in arrays_list:
        for name in TABLES:
            base = getattr(arrays, name).base
            if type(base).__name__ == "Rows":
                total += len(base)
    return total


# The columns that place rows in the file's order (and say how a note ended), not its content.
ORDER_FIELDS = ('event', 'on_event', 'off_event', 'off_note_on')


def content_bytes(arrays_list):
    """The bytes the tables' content columns take, packed with no padding and without ORDER_FIELDS: what any
    layout of these columns (ticks int64, seconds float64, as docs/guide/arrays.md says) needs at least."""
    total = 0
    for arrays in arrays_list:
        for name in TABLES:
            table = getattr(arrays, name)
            fields = table.dtype.fields
            total += len(table) * sum(fields[field][0].itemsize for field in fields if field not in ORDER_FIELDS)
    return total


def traced_read(items):
    """Read every file with all tables made, under tracemalloc, keeping the MidiArrays.

    The input bytes and the list that keeps the results exist before tracing starts. Returns (traced bytes
    held afterwards, traced peak, the MidiArrays)."""
    kept = [None] * len(items)
    gc.collect()
    tracemalloc.start()
    try:
        for index, (data, errors, clip) in enumerate(items):
            arrays = midox.read_arrays(data, errors=errors, pairing='fifo', clip=clip)
            for name in TABLES:
                getattr(arrays, name)
            kept[index] = arrays
        del arrays
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current, peak, kept


def traced_symusic(datas):
    kept = [None] * len(datas)
    gc.collect()
    tracemalloc.start()
    try:
        for index, data in enumerate(datas):
            kept[index] = symusic.Score.from_midi(data)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current, peak


def proc_status(key):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def memory_child(library):
    """Run in a fresh process (--memory-child): read the files listed on stdin with `library` and print, as
    JSON, how much the resident set grew (kept) and its high-water mark above the start (peak): first for the
    largest file alone (dropped again), then for every file, all kept. The input bytes are read before; the
    library has read one file already (imports, first-use caches)."""
    items = json.load(sys.stdin)
    datas = [(pathlib.Path(path).read_bytes(), errors, clip) for path, errors, clip in items]
    if library == "midox":
        def read(data, errors, clip):
            arrays = midox.read_arrays(data, errors=errors, pairing='fifo', clip=clip)
            for name in TABLES:
                getattr(arrays, name)
            return arrays

        def count(found):
            return len(found.notes)
    else:
        def read(data, errors, clip):
            return symusic.Score.from_midi(data)

        def count(found):
            return sum(track.note_num() for track in found.tracks)

    def settle():
        """Free what is garbage and hand freed memory back (so that new rows show in the resident set), then
        reset VmHWM to the current resident set; the resident set now."""
        gc.collect()
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return proc_status("VmRSS")

    read(*datas[0])
    largest = max(datas, key=lambda item: len(item[0]))
    start = settle()
    found = read(*largest)
    result = {"largest": {"kept": proc_status("VmRSS") - start, "peak": proc_status("VmHWM") - start,
                          "notes": count(found), "bytes": len(largest[0])}}
    del found
    kept = [None] * len(datas)
    start = settle()
    for index, (data, errors, clip) in enumerate(datas):
        kept[index] = read(data, errors, clip)
    result["corpus"] = {"kept": proc_status("VmRSS") - start, "peak": proc_status("VmHWM") - start,
                        "notes": sum(map(count, kept))}
    print(json.dumps(result))
    return 0


def rss_memory(library, items):
    """memory_child(library) in a new Python process; its result, or None where /proc cannot tell."""
    if not pathlib.Path("/proc/self/clear_refs").exists():
        return None
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, __file__, "--memory-child", library], input=json.dumps(items),
                          capture_output=True, text=True, env=env, cwd=str(pathlib.Path(__file__).parent))
    if done.returncode != 0:
        print(f"memory child for {library} failed: {done.stderr.strip()[-300:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report -----------------------------------------------------------------------------------------------

def time_row(operation, input_, midox_ns, midox_mb, other, other_ns, other_mb, target):
    ratio = other_ns / midox_ns
    return {"operation": operation, "input": input_, "unit": "ns", "midox": midox_ns, "midox_megabytes": midox_mb,
            "other": other, "other_value": other_ns, "other_megabytes": other_mb, "ratio": ratio,
            "target": target, "met": None if target is None else ratio >= target}


def memory_row(operation, input_, midox_bytes, other_bytes, target=None):
    """Bytes per note; other_bytes None means n/a (symusic's C++ memory is invisible to tracemalloc)."""
    return {"operation": operation, "input": input_, "unit": "bytes/note", "midox": midox_bytes,
            "other": "symusic", "other_value": other_bytes, "target": target,
            "met": None if target is None else midox_bytes <= target}


def print_table(rows):
    headers = ["operation", "input", "midox", "MB/s", "vs", "time", "MB/s", "vs / midox", "target", ""]
    lines = []
    for row in rows:
        if row["unit"] == "ns":
            cells = [format_seconds(row["midox"]), format_rate(row["midox_megabytes"], row["midox"]), row["other"],
                     format_seconds(row["other_value"]), format_rate(row["other_megabytes"], row["other_value"]),
                     f"{row['ratio']:.2f}x"]
            target_text = "report" if row["target"] is None else f">= {row['target']:g}x"
        else:
            other = row["other_value"]
            cells = [f"{row['midox']:.1f} B", "", row["other"], "n/a" if other is None else f"{other:.1f} B", "",
                     "" if other is None else f"{other / row['midox']:.2f}x"]
            target_text = "report" if row["target"] is None else f"<= {row['target']:g} B"
        mark = "" if row["met"] is None else ("ok" if row["met"] else "MISSED")
        lines.append([row["operation"], row["input"]] + cells + [target_text, mark])
    print_columns(headers, lines, right={2, 3, 5, 6, 7})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"every {QUICK_EVERY}th corpus file, fewer and shorter loops, no pretty_midi (a smoke test)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--memory-child", choices=("midox", "symusic"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return memory_child(args.memory_child)

    corpus = corpus_directory()
    paths = corpus_paths(corpus)
    if not paths:
        print(f"bench_arrays: no MIDI files (*.mid, *.midi) in {corpus}: set MIDOX_CORPUS to a directory of "
              f"MIDI files. Nothing measured.")
        return 0
    if symusic is None:
        print("bench_arrays: symusic is not installed (pip install symusic==0.6.0); it is the library compared "
              "with. Nothing measured.")
        return 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")         # pretty_midi's imports warn about pkg_resources
            import pretty_midi
    except ImportError:
        pretty_midi = None

    repeats = 2 if args.quick else 5
    min_loop_ns = 20_000_000 if args.quick else 100_000_000       # autorange: a loop lasts at least this
    started = time.perf_counter()
    header = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "midox": package_version(midox, "midox"),
        "symusic": package_version(symusic, "symusic"),
        "numpy": numpy.__version__,
        "pretty_midi": package_version(pretty_midi, "pretty_midi") if pretty_midi is not None else None,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "quick": args.quick,
        "repeats": repeats,
        "corpus": str(corpus),
    }
    print(f"Python {header['python']} | midox {header['midox']} | symusic {header['symusic']} | "
          f"NumPy {header['numpy']} | pretty_midi {header['pretty_midi'] or 'not installed'} | "
          f"CPU {header['cpu']} ({header['cpus']} CPUs) | {header['load_average_at_start']}"
          + (" | --quick" if args.quick else ""))
    print(f"best of {repeats} autoranged loops of >= {min_loop_ns / 1e6:g} ms, the libraries' loops "
          f"alternating; gc off while timing")
    sys.stdout.flush()

    # --- the corpus, in memory; the files that count are those symusic reads ---
    all_files = [(path, path.read_bytes()) for path in paths]
    chosen = all_files[::QUICK_EVERY] if args.quick else all_files
    items, names, file_paths, skipped, lenient = [], [], [], [], []
    for path, data in chosen:
        try:
            symusic.Score.from_midi(data)
        except Exception as error:
            skipped.append((path.name, f"{type(error).__name__}: {error}"))
            continue
        # midox reads strictly where it can; else with clip=True (data bytes above 127), else errors='ignore'.
        # symusic has no such options and reads these files its own way (it rejected the others above).
        for errors, clip in (("strict", False), ("strict", True), ("ignore", False)):
            try:
                midox.read_arrays(data, errors=errors, clip=clip)
                break
            except Exception:
                continue
        else:
            skipped.append((path.name, "midox cannot read it, even with errors='ignore'"))
            continue
        if (errors, clip) != ("strict", False):
            lenient.append(f"{path.name} ({'clip=True' if clip else 'errors=' + repr(errors)})")
        items.append((data, errors, clip))
        names.append(path.name)
        file_paths.append(str(path))
    datas = [data for data, _, _ in items]
    corpus_mb = sum(map(len, datas)) / 1e6

    # --- check: both libraries find the same notes (symusic pairs note-offs first in, first out) ---
    arrays_list = midox_read_all(items, midox.read_arrays)
    scores = symusic_read_all(datas, symusic.Score.from_midi)
    midox_notes = [len(arrays.notes) for arrays in arrays_list]
    symusic_notes = [sum(track.note_num() for track in score.tracks) for score in scores]
    note_count = sum(midox_notes)
    if note_count != sum(symusic_notes):
        differ = [f"{name}: midox {a}, symusic {b}" for name, a, b in zip(names, midox_notes, symusic_notes) if a != b]
        raise AssertionError(f"note counts differ: midox {note_count:,}, symusic {sum(symusic_notes):,}; "
                             + "; ".join(differ[:5]))
    corpus_input = f"{len(items)} files, {corpus_mb:.2f} MB, {note_count:,} notes"

    print(f"corpus: {len(chosen)} of the {len(all_files)} files in {corpus}"
          + (f" (every {QUICK_EVERY}th, --quick)" if args.quick else "")
          + f"; {len(skipped)} that symusic cannot read are skipped for both libraries:")
    for name, error in skipped:
        print(f"  {name}: {error[:90]}")
    if lenient:
        print(f"read by midox with the option it needs: {', '.join(lenient)}")
    print(f"checked: midox (pairing='fifo') and symusic find the same {note_count:,} notes")
    print()
    sys.stdout.flush()

    # 1. read (and the context row: MidiFile, messages), alternating.
    read_times = compare({"midox": (midox_read_all, (items, midox.read_arrays)),
                          "symusic": (symusic_read_all, (datas, symusic.Score.from_midi)),
                          "MidiFile": (midifile_load_all, (items, midox.MidiFile))},
                         min_loop_ns, repeats)

    # 2. write, from arrays and scores read beforehand (every table of the arrays made first: to_bytes needs
    # them all). The output must read back to the same notes.
    midox_written = midox_write_all(arrays_list)
    read_back = [len(midox.read_arrays(data, errors='ignore').notes) for data in midox_written]
    if read_back != midox_notes:
        raise AssertionError("MidiArrays.to_bytes() wrote files that do not read back to the same notes")
    midox_written_mb = sum(map(len, midox_written)) / 1e6
    symusic_written_mb = sum(map(len, symusic_write_all(scores))) / 1e6
    del midox_written
    write_times = compare({"midox": (midox_write_all, (arrays_list,)),
                           "symusic": (symusic_write_all, (scores,))}, min_loop_ns, repeats)
    del arrays_list, scores

    # 3. memory. tracemalloc sees everything midox keeps: the Python objects (MidiArrays, their dicts, the
    # ndarray headers) and the tables' rows (allocated in C with PyMem_RawMalloc, which it traces).
    # symusic's scores are C++ objects: tracemalloc sees only their small Python wrappers (measured below, and
    # reported as n/a). The resident set of a fresh process (Linux /proc) sees both libraries, as a cross-check.
    traced_kept, traced_peak, kept = traced_read(items)
    rows_bytes = row_bytes(kept)
    notes_bytes = sum(arrays.notes.nbytes for arrays in kept)
    floor_bytes = content_bytes(kept)
    del kept
    symusic_traced_kept, _ = traced_symusic(datas)
    retained = traced_kept / note_count
    rss = {library: rss_memory(library, [[path, errors, clip] for path, (_, errors, clip) in zip(file_paths, items)])
           for library in ("midox", "symusic")}

    # 4. context: pretty_midi (mido underneath, notes as Python objects) on a few files, full run only.
    pretty = None
    if pretty_midi is not None and not args.quick:
        step = max(1, len(datas) // PRETTY_MIDI_FILES)
        subset = datas[::step][:PRETTY_MIDI_FILES]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")         # it warns about tempo events on tracks other than the first
            pretty_ns, pretty_done = time_each_once(lambda data: pretty_midi.PrettyMIDI(io.BytesIO(data)), subset)
        pretty_mb = sum(map(len, pretty_done)) / 1e6
        pretty = {"files": len(pretty_done), "tried": len(subset), "megabytes": pretty_mb, "ns": pretty_ns,
                  "corpus_ns": pretty_ns / pretty_mb * corpus_mb}
    gc.unfreeze()

    rows = [
        time_row("read", corpus_input, read_times["midox"], corpus_mb, "symusic Score.from_midi",
                 read_times["symusic"], corpus_mb, READ_TARGET),
        time_row("write", f"{len(items)} files, output {midox_written_mb:.2f} MB (symusic {symusic_written_mb:.2f})",
                 write_times["midox"], midox_written_mb, "symusic dumps_midi", write_times["symusic"],
                 symusic_written_mb, WRITE_TARGET),
        memory_row("memory/note: retained", "all tables made; tracemalloc",
                   retained, None, MEMORY_TARGET),
        memory_row("memory/note: notes table", "itemsize", notes_bytes / note_count, None),
        memory_row("memory/note: content floor", "columns packed, no event indices", floor_bytes / note_count, None),
    ]
    if rss["midox"] is not None and rss["symusic"] is not None:
        largest = rss["midox"]["largest"]
        rows.append(memory_row("memory/note: retained, RSS", "fresh process, /proc VmRSS",
                               rss["midox"]["corpus"]["kept"] / note_count,
                               rss["symusic"]["corpus"]["kept"] / note_count))
        rows.append(memory_row("memory/note: peak reading, RSS",
                               f"largest file, {largest['bytes'] / 1e3:.0f} KB, {largest['notes']:,} notes",
                               largest["peak"] / largest["notes"],
                               rss["symusic"]["largest"]["peak"] / rss["symusic"]["largest"]["notes"]))
    rows.append(time_row("context: messages", corpus_input, read_times["midox"], corpus_mb,
                         "midox.MidiFile load", read_times["MidiFile"], corpus_mb, None))
    if pretty is not None:
        rows.append(time_row("context: pretty_midi", f"{pretty['files']} files, {pretty['megabytes']:.2f} MB, "
                             f"extrapolated", read_times["midox"], corpus_mb, "pretty_midi.PrettyMIDI",
                             pretty["corpus_ns"], corpus_mb, None))

    print_table(rows)
    elapsed = time.perf_counter() - started
    print()
    print(f"read: midox is read_arrays(data, pairing='fifo') with the tables {', '.join(COMPARED_TABLES)} "
          f"made (symusic's content; symusic keeps ticks, midox also computes seconds); symusic is "
          f"Score.from_midi(data). write: to_bytes() and dumps_midi(), MB/s of their output. vs / midox: the "
          f"other's time (or bytes) / midox's.")
    print(f"memory: bytes per note, input bytes excluded. retained: what the {note_count:,} notes' MidiArrays "
          f"keep, all {len(TABLES)} tables made, as tracemalloc sees it: the tables' rows "
          f"{rows_bytes / note_count:.2f} B/note (notes {notes_bytes / note_count:.2f}, other tables "
          f"{(rows_bytes - notes_bytes) / note_count:.2f}), the Python objects the rest. content floor: the "
          f"tables' columns packed without padding and without the columns that keep the file's order "
          f"({', '.join(ORDER_FIELDS)}): what any layout of the same columns needs, whatever it does.")
    print(f"symusic: tracemalloc sees {symusic_traced_kept / note_count:.3f} B/note ({symusic_traced_kept:,} "
          f"bytes: its Python wrappers); its C++ vectors are not traced, so n/a. RSS rows: a fresh process reads "
          f"the same files (after gc and malloc_trim): retained is the growth of its resident set with every "
          f"file kept; peak is the high-water mark (VmHWM, reset first) above the start while reading the "
          f"largest file alone (midox reserves room for the notes from the file size, and grows tables by "
          f"doubling). Whole pages, allocator overhead included.")
    if rss["midox"] is None or rss["symusic"] is None:
        print("RSS rows left out: /proc/self/clear_refs is not available or the child process failed.")
    print("context rows: no target. messages: midox.MidiFile(file=BytesIO(data)) with the same options, timed "
          "alternately with the read row." + (
              f" pretty_midi: PrettyMIDI(BytesIO(data)) once on every {step}th file "
              f"({pretty['files']} of {pretty['tried']} read), {format_seconds(pretty['ns'])} for "
              f"{pretty['megabytes']:.2f} MB, extrapolated by size to the corpus." if pretty is not None else
              " pretty_midi: " + ("not installed." if pretty_midi is None else "full run only.")))
    missed = [row for row in rows if row["met"] is False]
    print(f"{len(missed)} of {sum(row['met'] is not None for row in rows)} targets missed; ran in "
          f"{elapsed:.1f} s; {load_average()} at the end.")

    if args.json:
        report = dict(header, corpus_files=len(all_files), measured_files=names, skipped=dict(skipped),
                      lenient=lenient, corpus_megabytes=corpus_mb, notes=note_count,
                      traced_kept_bytes=traced_kept, traced_peak_bytes=traced_peak,
                      notes_table_bytes=notes_bytes, c_rows_bytes=rows_bytes, content_floor_bytes=floor_bytes,
                      symusic_traced_kept_bytes=symusic_traced_kept, rss=rss, pretty_midi=pretty,
                      load_average_at_end=load_average(), elapsed_s=round(elapsed, 2), rows=rows)
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
