#!/usr/bin/env python
"""Time midox against mido on a corpus of real Standard MIDI Files: load, save, merged iteration, length,
and the memory of a loaded file; symusic (a C++ note-level library) for context when it is installed. Then
files made to be slow (a delta time of a million bytes, millions of empty track chunks): midox's time and
peak memory loading each.

    python benchmarks/bench_smf.py                  # full run, about 2 to 3 minutes on 2 cores
    python benchmarks/bench_smf.py --quick          # a quarter of the corpus, mido timed once (~35 s)
    python benchmarks/bench_smf.py --json out.json  # also write the results as JSON

The corpus is ../shared/corpus beside the project, or the directory MIDOX_CORPUS names; without one the
script says so and exits. Every file is read into memory first: the timings are of parsing and encoding,
never of disk access. mido is slow (about 0.5 MB/s), so each of its operations runs over the whole corpus
only once or twice; midox's and symusic's run in loops whose length is chosen like timeit's autorange, best
of several repeats. The garbage collector is off while anything is timed, as timeit does.

Rows that miss their target are marked MISSED; the exit status is 0 whatever the numbers are. The one
exception: if mido and midox do not give the same results (messages, saved bytes, lengths), the comparison
would be meaningless, and the script stops with an AssertionError.
"""
import argparse
import gc
import io
import itertools
import math
import os
import platform
import sys
import time
import timeit
import tracemalloc

import mido
import midox
from benchtools import (autorange, corpus_directory, cpu_model, format_rate, format_seconds, gc_off, load_average,
                        package_version, print_columns, run_loop, timed_free, write_json)

try:
    import symusic
except ImportError:         # context only: the benchmark runs without it
    symusic = None

SUFFIXES = ('.mid', '.midi')
LOAD_TARGET = 60.0
SAVE_TARGET = 30.0
ITERATION_TARGET = 30.0
MEMORY_TARGET = 3.0         # midox's peak must be at most a third of mido's
CHECK_MESSAGES = 50         # vars() compared for this many messages at the start of each track / iteration
QUICK_EVERY = 4             # --quick: every 4th corpus file (by name) stands for the corpus


# --- environment ------------------------------------------------------------------------------------------

# --- timing -----------------------------------------------------------------------------------------------

def timed_call(function, *args):
    """Call function(*args) once with the collector off; return (result, nanoseconds).

    Freeing the result is not part of the time; callers that drop it right away use timed_run().
    """
    with gc_off():
        start = time.perf_counter_ns()
        result = function(*args)
        return result, time.perf_counter_ns() - start


def timed_run(function, *args):
    """Nanoseconds of one call of function(*args), freeing its result included (as in a timeit loop)."""
    with gc_off():
        start = time.perf_counter_ns()
        function(*args)                 # the result is dropped here, inside the timing
        return time.perf_counter_ns() - start


def compare(calls, min_loop_ns, repeats, mido_runs, mido_ns=(), prepare_mido=None):
    """Time calls = {'mido'|'midox'|'symusic': (function, args)}: function(*args), per library.

    midox and symusic run in autoranged loops, best of `repeats`; mido runs once per repeat until it has
    `mido_runs` times (mido_ns holds times already measured), so the libraries alternate and a slow spell
    of the machine hits all of them. prepare_mido, if given, runs (untimed) before each mido run.
    Returns {library: best nanoseconds per call} (mido: inf if it has no time yet).
    """
    mido_ns = list(mido_ns)
    timers = {name: timeit.Timer("function(*ARGS)", globals={"function": function, "ARGS": args},
                                 timer=time.perf_counter_ns)
              for name, (function, args) in calls.items() if name != "mido"}
    loops = {name: autorange(timer, min_loop_ns) for name, timer in timers.items()}
    best = {name: float("inf") for name in timers}
    for repeat in range(max(repeats, mido_runs - len(mido_ns))):
        if repeat < repeats:
            for name, timer in timers.items():
                best[name] = min(best[name], run_loop(timer, loops[name]) / loops[name])
        if len(mido_ns) < mido_runs:
            if prepare_mido is not None:
                prepare_mido()
            function, args = calls["mido"]
            mido_ns.append(timed_run(function, *args))
    best["mido"] = min(mido_ns, default=float("inf"))
    return best


# --- the timed operations (the same function for every library) ---------------------------------------------

def load_all(datas, midi_file):
    """MidiFile(file=BytesIO(data)) for each data: a list of loaded files."""
    return [midi_file(file=io.BytesIO(data)) for data in datas]


def symusic_load_all(datas, from_midi):
    return [from_midi(data) for data in datas]


def save_all(files):
    """Each file saved to a BytesIO; the list of the bytes written."""
    out = []
    for mid in files:
        buffer = io.BytesIO()
        mid.save(file=buffer)
        out.append(buffer.getvalue())
    return out


def symusic_save_all(scores):
    return [score.dumps_midi() for score in scores]


def iterate_all(files):
    """`for msg in mid: pass` over each file: the merged tracks, with delta times in seconds."""
    for mid in files:
        for msg in mid:
            pass


def lengths(files):
    return [mid.length for mid in files]


def only_meta(mid):
    """The bytes of mid saved by midox with its meta messages only (the delta times of the others go to the
    next meta message)."""
    stripped = midox.MidiFile(type=mid.type, ticks_per_beat=mid.ticks_per_beat, smpte=mid.smpte)
    for track in mid.tracks:
        kept, carry = midox.MidiTrack(), 0
        for msg in track:
            if msg.is_meta:
                kept.append(msg.copy(time=msg.time + carry))
                carry = 0
            else:
                carry += msg.time
        stripped.tracks.append(kept)
    buffer = io.BytesIO()
    stripped.save(file=buffer)
    return buffer.getvalue()


def forget_merged(files):
    """Drop mido's cached merged track (as if each file were freshly loaded). midox caches nothing."""
    for mid in files:
        del mid.merged_track


# --- checks -----------------------------------------------------------------------------------------------

def check_loaded(names, mido_files, midox_files):
    """Raise AssertionError unless both libraries read the same file structure and the same messages.

    Compared for every file: type, ticks_per_beat, the number of tracks and of messages in each track, and
    vars() of the first CHECK_MESSAGES messages of each track. Returns the number of messages compared.
    """
    compared = 0
    for name, a, b in zip(names, mido_files, midox_files):
        if (a.type, a.ticks_per_beat) != (b.type, b.ticks_per_beat):
            raise AssertionError(f"{name}: mido type/ticks_per_beat {(a.type, a.ticks_per_beat)}, "
                                 f"midox {(b.type, b.ticks_per_beat)}")
        counts = [len(track) for track in a.tracks], [len(track) for track in b.tracks]
        if counts[0] != counts[1]:
            raise AssertionError(f"{name}: messages per track: mido {counts[0]}, midox {counts[1]}")
        for index, (track_a, track_b) in enumerate(zip(a.tracks, b.tracks)):
            for position, (msg_a, msg_b) in enumerate(zip(track_a[:CHECK_MESSAGES], track_b[:CHECK_MESSAGES])):
                if vars(msg_a) != vars(msg_b):
                    raise AssertionError(f"{name} track {index} message {position}: mido {vars(msg_a)}, "
                                         f"midox {vars(msg_b)}")
                compared += 1
    return compared


def check_iteration(names, mido_files, midox_files):
    """Same merged message count per file, and equal vars() for the first CHECK_MESSAGES iterated messages.

    Cheap for mido once its merged tracks are cached (after a timed iteration). Returns messages compared.
    """
    compared = 0
    for name, a, b in zip(names, mido_files, midox_files):
        if len(a.merged_track) != len(b.merged_track):
            raise AssertionError(f"{name}: merged track of {len(a.merged_track)} messages in mido, "
                                 f"{len(b.merged_track)} in midox")
        for position, (msg_a, msg_b) in enumerate(zip(itertools.islice(a, CHECK_MESSAGES),
                                                      itertools.islice(b, CHECK_MESSAGES))):
            if vars(msg_a) != vars(msg_b):
                raise AssertionError(f"{name} iterated message {position}: mido {vars(msg_a)}, "
                                     f"midox {vars(msg_b)}")
            compared += 1
    return compared


def check_equal(what, names, mido_values, midox_values, close=False):
    for name, a, b in zip(names, mido_values, midox_values):
        same = math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) if close else a == b
        if not same:
            shown = (a, b) if close else (f"{len(a)} bytes", f"{len(b)} bytes")
            raise AssertionError(f"{name}: {what} differs: mido {shown[0]}, midox {shown[1]}")


# --- memory -----------------------------------------------------------------------------------------------

def load_memory(midi_file, data):
    """(peak, kept) traced bytes of loading `data` with midi_file and keeping the result.

    The BytesIO wrapping the data exists before tracing starts; everything the load allocates is counted,
    including the bytes that file.read() returns.
    """
    stream = io.BytesIO(data)
    gc.collect()
    tracemalloc.start()
    try:
        mid = midi_file(file=stream)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del mid
    return peak, kept


# --- report -----------------------------------------------------------------------------------------------

HOSTILE_TARGET_S = 1.0      # a hostile file of a few MB loads in well under this


def hostile_files():
    """(what, bytes, read strictly too) of files made to take time or memory: one delta time of a million bytes
    of variable-length quantity (and a tenth of it, which mido can read in seconds), and 2,000,000 empty track
    chunks (read tolerantly: a strict reading takes the header's count)."""
    def smf(track_chunks):
        return b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x60" + track_chunks

    def long_delta(groups):
        body = b"\xff" * (groups - 1) + b"\x7f\x90\x3c\x40\x00\xff\x2f\x00"
        return smf(b"MTrk" + len(body).to_bytes(4, "big") + body)

    return [("one delta time of 100,000 bytes", long_delta(100_000), True),
            ("one delta time of 1,000,000 bytes", long_delta(1_000_000), True),
            ("2,000,000 empty MTrk chunks", smf(b"MTrk\x00\x00\x00\x00" * 2_000_000), False)]


def hostile_rows(mido_too):
    """Time and peak memory of loading each hostile file with midox (strict where it applies, then
    errors='ignore'); mido's strict time for the small one when mido_too."""
    rows = []
    for what, data, strict in hostile_files():
        cells = [what, f"{len(data) / 1e6:.1f} MB"]
        slowest = 0.0
        for errors in ("strict", "ignore"):
            if errors == "strict" and not strict:
                cells.append("")
                continue
            tracemalloc.start()
            started = time.perf_counter()
            midox.MidiFile(file=io.BytesIO(data), errors=errors)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            slowest = max(slowest, seconds)
            cells.append(f"{format_seconds(seconds * 1e9)}, {peak / 1e6:.0f} MB")
        mido_seconds = None
        if mido_too and strict and len(data) < 200_000:
            started = time.perf_counter()
            mido.MidiFile(file=io.BytesIO(data))
            mido_seconds = time.perf_counter() - started
        cells.append("" if mido_seconds is None else format_seconds(mido_seconds * 1e9))
        cells += [f"< {HOSTILE_TARGET_S:g} s", "ok" if slowest < HOSTILE_TARGET_S else "MISSED"]
        rows.append(cells)
    return rows


def make_row(operation, input_, unit, values, target, megabytes=None, symusic_megabytes=None):
    """values: {'mido': .., 'midox': .., 'symusic': .. or None} in nanoseconds (unit 'ns') or bytes."""
    ratio = values["mido"] / values["midox"] if values["midox"] else float("inf")
    symusic_value = values.get("symusic")
    symusic_ratio = None if symusic_value is None else symusic_value / values["midox"]
    met = None if target is None else ratio >= target
    return {"operation": operation, "input": input_, "unit": unit, "mido": values["mido"],
            "midox": values["midox"], "ratio": ratio, "symusic": symusic_value, "symusic_ratio": symusic_ratio,
            "megabytes": megabytes, "symusic_megabytes": symusic_megabytes, "target": target, "met": met}


def print_table(rows, symusic_column):
    headers = ["operation", "input", "mido", "MB/s", "midox", "MB/s", "midox is"]
    if symusic_column:
        headers += ["symusic", "MB/s", "midox vs symusic"]
    headers += ["target", ""]
    lines = []
    for row in rows:
        if row["unit"] == "bytes":
            cells = [f"{row['mido'] / 1e6:.1f} MB", "", f"{row['midox'] / 1e6:.1f} MB", "",
                     f"{row['ratio']:.1f}x smaller"]
            target_text = "report" if row["target"] is None else f">= {row['target']:g}x smaller"
        else:
            cells = [format_seconds(row["mido"]), format_rate(row["megabytes"], row["mido"]),
                     format_seconds(row["midox"]), format_rate(row["megabytes"], row["midox"]),
                     f"{row['ratio']:.1f}x faster"]
            target_text = "report" if row["target"] is None else f">= {row['target']:g}x"
        if symusic_column:
            if row["symusic"] is None:
                cells += ["", "", ""]
            else:
                ratio = row["symusic_ratio"]
                cells += [format_seconds(row["symusic"]), format_rate(row["symusic_megabytes"], row["symusic"]),
                          f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"]
        mark = "" if row["met"] is None else ("ok" if row["met"] else "MISSED")
        lines.append([row["operation"], row["input"]] + cells + [target_text, mark])
    print_columns(headers, lines, right=set(range(2, len(headers) - 2)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"every {QUICK_EVERY}th corpus file, mido timed once, fewer repeats (a smoke test)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)

    corpus = corpus_directory()
    paths = sorted(path for path in corpus.glob("*") if path.suffix.lower() in SUFFIXES) \
        if corpus.is_dir() else []
    if not paths:
        print(f"bench_smf: no MIDI files (*.mid, *.midi) in {corpus}: set MIDOX_CORPUS to a directory of "
              f"MIDI files. Nothing measured.")
        return 0

    repeats = 2 if args.quick else 5
    min_loop_ns = 20_000_000 if args.quick else 100_000_000       # autorange: a loop lasts at least this
    mido_runs = 1 if args.quick else 2
    length_runs = 1                 # mido's length costs as much as its first iteration; report-only row
    started = time.perf_counter()

    header = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "midox": package_version(midox, "midox"),
        "mido": package_version(mido, "mido"),
        "symusic": package_version(symusic, "symusic") if symusic is not None else None,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_average(),
        "quick": args.quick,
        "repeats": repeats,
        "mido_runs": mido_runs,
        "corpus": str(corpus),
    }
    symusic_text = f"symusic {header['symusic']}" if symusic is not None else \
        "symusic not installed (pip install symusic), no context columns"
    print(f"Python {header['python']} | midox {header['midox']} | mido {header['mido']} | {symusic_text} | "
          f"CPU {header['cpu']} ({header['cpus']} CPUs) | {header['load_average_at_start']}"
          + (" | --quick" if args.quick else ""))
    timed_fast = "midox, symusic" if symusic is not None else "midox"
    print(f"{timed_fast}: best of {repeats} autoranged loops of >= {min_loop_ns / 1e6:g} ms; mido: best of "
          f"{mido_runs} run{'s' if mido_runs > 1 else ''} (length: {length_runs}); gc off while timing")
    sys.stdout.flush()

    # --- the corpus, in memory ---
    all_files = [(path.name, path.read_bytes()) for path in paths]
    chosen = all_files[::QUICK_EVERY] if args.quick else all_files

    # Load pass 1 of mido, timed file by file: it decides which files count (those mido reads), and the
    # files it returns are kept for the other operations; freeing them is timed at the end.
    names, datas, mido_files, rejected = [], [], [], []
    mido_load_ns = 0
    with gc_off():
        for name, data in chosen:
            start = time.perf_counter_ns()
            try:
                mid = mido.MidiFile(file=io.BytesIO(data))
            except Exception as error:          # mido rejects malformed files with several exception types
                rejected.append((name, f"{type(error).__name__}: {error}"))
                continue
            mido_load_ns += time.perf_counter_ns() - start
            names.append(name)
            datas.append(data)
            mido_files.append(mid)
    midox_files = load_all(datas, midox.MidiFile)
    midox_also_rejects = 0
    for name, _ in rejected:
        try:
            midox.MidiFile(file=io.BytesIO(dict(chosen)[name]))
        except Exception:
            midox_also_rejects += 1
    checked_load = check_loaded(names, mido_files, midox_files)
    corpus_mb = sum(map(len, datas)) / 1e6
    message_count = sum(len(track) for mid in midox_files for track in mid.tracks)
    corpus_input = f"{len(datas)} files, {corpus_mb:.2f} MB, {message_count:,} msgs"
    # The largest file mido reads (with --quick it may lie outside the quarter of the corpus timed).
    largest_mido = None
    for largest_name, largest_data in sorted(all_files, key=lambda item: len(item[1]), reverse=True):
        if largest_name in names:
            largest_mido = mido_files[names.index(largest_name)]
            break
        try:
            largest_mido = mido.MidiFile(file=io.BytesIO(largest_data))
            break
        except Exception:
            continue
    largest_midox = midox.MidiFile(file=io.BytesIO(largest_data))
    check_loaded([largest_name], [largest_mido], [largest_midox])
    largest_mb = len(largest_data) / 1e6
    largest_input = (f"largest file, {len(largest_data) / 1e3:.0f} KB, "
                     f"{sum(map(len, largest_midox.tracks)):,} msgs")

    print(f"corpus: {len(chosen)} of the {len(all_files)} files in {corpus}"
          + (f" (every {QUICK_EVERY}th, --quick)" if args.quick else "")
          + f"; {len(rejected)} rejected by mido (excluded for all libraries; midox rejects "
            f"{midox_also_rejects} of them too):")
    for name, error in rejected:
        print(f"  {name}: {error[:90]}")
    print(f"largest file: {largest_name}")
    print()
    sys.stdout.flush()

    notes = []
    scores = largest_score = None
    if symusic is not None:
        try:
            scores = symusic_load_all(datas, symusic.Score.from_midi)
        except Exception as error:
            notes.append(f"symusic could not read every corpus file ({type(error).__name__}: {error}); "
                         f"its corpus cells are left empty.")
        try:
            largest_score = symusic.Score.from_midi(largest_data)
        except Exception as error:
            notes.append(f"symusic could not read {largest_name} ({type(error).__name__}: {error}).")

    def calls(mido_call, midox_call, symusic_call=None):
        result = {"mido": mido_call, "midox": midox_call}
        if symusic_call is not None:
            result["symusic"] = symusic_call
        return result

    # 1. load, from bytes already in memory. mido's first run is the file-by-file pass above; its time is
    # completed at the end, when the files it returned are freed.
    load_times = compare(calls((load_all, (datas, mido.MidiFile)), (load_all, (datas, midox.MidiFile)),
                               None if scores is None else (symusic_load_all, (datas, symusic.Score.from_midi))),
                         min_loop_ns, repeats, mido_runs - 1)
    largest_load_times = compare(
        calls((load_all, ([largest_data], mido.MidiFile)), (load_all, ([largest_data], midox.MidiFile)),
              None if largest_score is None else (symusic_load_all, ([largest_data], symusic.Score.from_midi))),
        min_loop_ns, repeats, mido_runs)

    # 2. save, to a BytesIO each; mido and midox must write the same bytes. mido's first run is the one
    # whose output is checked.
    mido_saved, mido_save_ns = timed_call(save_all, mido_files)
    check_equal("saved bytes", names, mido_saved, save_all(midox_files))
    saved_mb = sum(map(len, mido_saved)) / 1e6
    del mido_saved
    save_times = compare(calls((save_all, (mido_files,)), (save_all, (midox_files,)),
                               None if scores is None else (symusic_save_all, (scores,))),
                         min_loop_ns, repeats, mido_runs, mido_ns=[mido_save_ns])
    symusic_saved_mb = None if scores is None else sum(map(len, symusic_save_all(scores))) / 1e6

    largest_saved = save_all([largest_mido])
    check_equal("saved bytes", [largest_name], largest_saved, save_all([largest_midox]))
    largest_saved_mb = len(largest_saved[0]) / 1e6
    largest_save_times = compare(calls((save_all, ([largest_mido],)), (save_all, ([largest_midox],)),
                                       None if largest_score is None else (symusic_save_all, ([largest_score],))),
                                 min_loop_ns, repeats, mido_runs)
    symusic_largest_saved_mb = None if largest_score is None else len(largest_score.dumps_midi()) / 1e6

    # 3. merged iteration. The first `for msg in mid` of a loaded mido file merges its tracks and caches
    # the result in mid.merged_track; later iterations reuse it. midox caches nothing: every iteration
    # merges. Timed both ways: first iteration (mido's cache dropped before each run), and again (cached).
    # Type 2 files cannot be iterated (both libraries raise TypeError): left out.
    synchronous = [index for index, mid in enumerate(mido_files) if mid.type != 2]
    sync_mido = [mido_files[index] for index in synchronous]
    sync_midox = [midox_files[index] for index in synchronous]
    sync_names = [names[index] for index in synchronous]
    iteration_input = corpus_input if len(synchronous) == len(mido_files) else \
        f"{len(synchronous)} files (type 0 and 1)"
    iterate_calls = calls((iterate_all, (sync_mido,)), (iterate_all, (sync_midox,)))
    first_times = compare(iterate_calls, min_loop_ns, repeats, mido_runs,
                          prepare_mido=lambda: forget_merged(sync_mido))
    checked_iteration = check_iteration(sync_names, sync_mido, sync_midox)     # mido's merges are cached now
    again_times = compare(iterate_calls, min_loop_ns, repeats, mido_runs)

    largest_first_times = None
    if largest_mido.type != 2:
        largest_first_times = compare(calls((iterate_all, ([largest_mido],)), (iterate_all, ([largest_midox],))),
                                      min_loop_ns, repeats, mido_runs,
                                      prepare_mido=lambda: forget_merged([largest_mido]))
        checked_iteration += check_iteration([largest_name], [largest_mido], [largest_midox])

    # 4. length, on freshly loaded files (mido's cache dropped first): a full iteration each. mido's run is
    # the one whose values are checked.
    forget_merged(sync_mido)
    mido_lengths, mido_length_ns = timed_call(lengths, sync_mido)
    check_equal("length", sync_names, mido_lengths, lengths(sync_midox), close=True)
    length_times = compare(calls((lengths, (sync_mido,)), (lengths, (sync_midox,))), min_loop_ns, repeats,
                           length_runs, mido_ns=[mido_length_ns], prepare_mido=lambda: forget_merged(sync_mido))
    total_seconds = sum(mido_lengths)

    # 5. the share of meta events in load time: the corpus with its meta messages only (the others removed),
    # loaded, against the whole corpus loaded. It includes the files' and tracks' own cost: an upper bound.
    meta_only = [only_meta(mid) for mid in midox_files]
    meta_count = sum(msg.is_meta for mid in midox_files for track in mid.tracks for msg in track)
    meta_times = compare(calls((load_all, (meta_only, mido.MidiFile)), (load_all, (meta_only, midox.MidiFile))),
                         min_loop_ns, repeats, mido_runs)
    del meta_only

    # 6. memory of loading the largest file and keeping it.
    del largest_mido, largest_midox
    memory = {name: load_memory(cls, largest_data) for name, cls in (("mido", mido.MidiFile),
                                                                       ("midox", midox.MidiFile))}

    # mido's first load run: add the time of freeing what it loaded (a timeit loop frees each result).
    forget_merged(mido_files)
    mido_load_ns += timed_free(mido_files)
    load_times["mido"] = min(load_times["mido"], mido_load_ns)
    meta_share = {name: meta_times[name] / load_times[name] for name in ("mido", "midox")}
    meta_each_ns = {name: meta_times[name] / meta_count for name in ("mido", "midox")}
    gc.unfreeze()

    rows = [
        make_row("load", corpus_input, "ns", load_times, LOAD_TARGET, corpus_mb,
                 None if scores is None else corpus_mb),
        make_row("load", largest_input, "ns", largest_load_times, LOAD_TARGET, largest_mb,
                 None if largest_score is None else largest_mb),
        make_row("save", corpus_input, "ns", save_times, SAVE_TARGET, saved_mb, symusic_saved_mb),
        make_row("save", largest_input, "ns", largest_save_times, SAVE_TARGET, largest_saved_mb,
                 symusic_largest_saved_mb),
        make_row("for msg in mid (1st)", iteration_input, "ns", first_times, ITERATION_TARGET),
    ]
    if largest_first_times is not None:
        rows.append(make_row("for msg in mid (1st)", largest_input, "ns", largest_first_times,
                             ITERATION_TARGET))
    rows.append(make_row("for msg in mid (again)", iteration_input, "ns", again_times, None))
    rows.append(make_row("mid.length (1st)", iteration_input, "ns", length_times, None))
    rows.append(make_row("memory: load, peak", largest_input, "bytes",
                         {"mido": memory["mido"][0], "midox": memory["midox"][0]}, MEMORY_TARGET))
    rows.append(make_row("memory: load, kept", largest_input, "bytes",
                         {"mido": memory["mido"][1], "midox": memory["midox"][1]}, None))

    print_table(rows, symusic is not None)
    print()
    hostile = hostile_rows(mido_too=True)
    print_columns(["hostile file", "size", "midox strict", "midox errors='ignore'", "mido strict", "target", ""],
                  hostile, right={1, 2, 3, 4})
    elapsed = time.perf_counter() - started
    print()
    checked_files = len(set(names) | {largest_name})
    print(f"checked before timing: per-track message counts of all {checked_files} files, vars() of "
          f"{checked_load:,} track messages and {checked_iteration:,} iterated messages, saved bytes "
          f"(identical), lengths (total {total_seconds:,.1f} s).")
    print("1st: mido's merged_track cache dropped before each run, so its tracks are merged as on a "
          "freshly loaded file. again: mido reuses its cache; midox merges on every iteration.")
    print("memory: tracemalloc, after gc.collect(); peak during MidiFile(file=...) and bytes still held "
          "once it returns.")
    print(f"meta events: {meta_count:,} of the {message_count:,} messages ({meta_count / message_count:.1%}); "
          f"their share of corpus load time (the corpus with its meta events only, loaded, against the "
          f"whole corpus): mido {meta_share['mido']:.1%} ({meta_each_ns['mido'] / 1e3:.2f} us each), "
          f"midox {meta_share['midox']:.1%} ({meta_each_ns['midox'] / 1e3:.2f} us each).")
    if symusic is not None:
        print("symusic: Score.from_midi(bytes) and score.dumps_midi(); it parses into notes, controls and "
              "tempos (note level), not messages: not the same work, shown for context only.")
    else:
        print("symusic: not installed (pip install symusic); no context columns.")
    for note in notes:
        print(note)
    print("hostile files: time of one load and tracemalloc's peak; mido takes time quadratic in the length of "
          "a delta time (minutes for the 1,000,000-byte one: not run).")
    missed = [row for row in rows if row["met"] is False] + [row for row in hostile if row[-1] == "MISSED"]
    print(f"{len(missed)} of {sum(row['met'] is not None for row in rows) + len(hostile)} targets missed; ran in "
          f"{elapsed:.1f} s; {load_average()} at the end.")

    if args.json:
        report = dict(header, corpus_files=len(all_files), measured_files=names,
                      rejected_by_mido=dict(rejected), midox_also_rejects=midox_also_rejects,
                      largest_file=largest_name, corpus_megabytes=corpus_mb, corpus_messages=message_count,
                      checked_track_messages=checked_load, checked_iterated_messages=checked_iteration,
                      meta_messages=meta_count, meta_share_of_load=meta_share, meta_load_ns_each=meta_each_ns,
                      load_average_at_end=load_average(), elapsed_s=round(elapsed, 2), notes=notes, rows=rows,
                      hostile_files=hostile)
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
