#!/usr/bin/env python
"""Time midox against mido in one process: message construction, from_bytes, bytes(), copy(), parse_all
over 1 MB of MIDI traffic, and the memory of one note_on message.

    python benchmarks/bench_core.py                  # full run, well under a minute
    python benchmarks/bench_core.py --quick          # fewer repeats: a smoke test
    python benchmarks/bench_core.py --json out.json  # also write the results as JSON

Each timing is the best of several repeats of a loop whose length is chosen like timeit's autorange,
timed with time.perf_counter_ns, with the garbage collector off while the loop runs (as timeit does).
Rows that miss their target are marked MISSED; the exit status is 0 whatever the numbers are (a benchmark
reports, it does not judge). The one exception: if mido and midox do not give the same results (a timed
statement's result, or the messages parsed from the generated traffic), the comparison would be
meaningless, and the script stops with an AssertionError.
"""
import argparse
import gc
import os
import platform
import random
import sys
import time
import timeit
import tracemalloc

import mido
import midox
from benchtools import (autorange, cpu_model, gc_off, package_version, print_columns, run_loop, timed_free,
                        write_json)

SEED = 1234
TRAFFIC_BYTES = 1_000_000       # "1 MB": the generated stream is this long, or a few bytes longer
MEMORY_COUNT = 100_000          # note_on messages held in the list whose memory is measured

# (name, input description, statement, target ratio or None for report-only)
MICRO_OPS = [
    ("Message('note_on', ...)", "channel, note, velocity, time",
     "Message('note_on', channel=3, note=60, velocity=100, time=120)", 10.0),
    ("Message.from_bytes", "note_on, list of 3 ints",
     "Message.from_bytes(NOTE_ON_LIST)", 20.0),
    ("Message.from_bytes", "note_on, 3-byte bytes",
     "Message.from_bytes(NOTE_ON_BYTES)", 20.0),
    ("Message.from_bytes", "sysex, list of 20 ints",
     "Message.from_bytes(SYSEX_LIST)", 20.0),
    ("Message.from_bytes", "sysex, 20-byte bytes",
     "Message.from_bytes(SYSEX_BYTES)", 20.0),
    ("msg.bytes()", "note_on",
     "msg.bytes()", None),
    ("msg.copy()", "note_on",
     "msg.copy()", None),
    ("msg.copy(velocity=..)", "note_on",
     "msg.copy(velocity=10)", None),
]
PARSE_TARGET = 50.0
MEMORY_TARGET = 4.0             # midox must need at most a quarter of mido's bytes per message

NOTE_ON_LIST = [0x93, 60, 100]
SYSEX_LIST = [0xF0] + [(i * 7 + 3) % 128 for i in range(18)] + [0xF7]


# --- environment ------------------------------------------------------------------------------------------

# --- timing -----------------------------------------------------------------------------------------------

def best_times_per_op(stmt, namespaces, min_loop_ns, repeats):
    """Nanoseconds per execution of stmt in each namespace: the best of `repeats` loops.

    The libraries' loops alternate (mido, midox, mido, midox, ...), so a slow spell of the machine hits
    both sides rather than one.
    """
    timers = {name: timeit.Timer(stmt, globals=namespace, timer=time.perf_counter_ns)
              for name, namespace in namespaces.items()}
    loops = {name: autorange(timer, min_loop_ns) for name, timer in timers.items()}
    best = {name: float("inf") for name in timers}
    for _ in range(repeats):
        for name, timer in timers.items():
            best[name] = min(best[name], run_loop(timer, loops[name]))
    return {name: best[name] / loops[name] for name in timers}


def timed_parse(parse_all, data):
    """Parse once with the collector off; return (messages in a one-item list, nanoseconds).

    A timeit loop also pays for freeing each result; timed_free() adds that cost once the caller, done
    checking the messages, empties the list.
    """
    with gc_off():
        start = time.perf_counter_ns()
        holder = [parse_all(data)]
        return holder, time.perf_counter_ns() - start


# --- traffic ----------------------------------------------------------------------------------------------

def generate_traffic(size, seed=SEED):
    """Return (bytes, message count): MIDI traffic of at least `size` bytes, without running status.

    Channel messages on random channels (note_on 35%, note_off 27%, control_change 20%, pitchwheel 10%,
    program_change 6.5%), sysex 1.5% (5 to 50 bytes each, F0 and F7 included), and after 5% of the
    messages a real-time byte (clock mostly; active sensing, start, continue, stop). Every channel message
    carries its status byte, so a parser that ignores running status (mido's) sees the same messages.
    """
    rng = random.Random(seed)
    out = bytearray()
    count = 0
    kinds = ["note_on", "note_off", "control_change", "pitchwheel", "program_change", "sysex"]
    weights = [35, 27, 20, 10, 6.5, 1.5]
    realtime = [0xF8] * 8 + [0xFE, 0xFA, 0xFB, 0xFC]
    while len(out) < size:
        kind = rng.choices(kinds, weights)[0]
        channel = rng.randrange(16)
        if kind == "note_on":
            out += bytes((0x90 | channel, rng.randrange(128), rng.randrange(128)))
        elif kind == "note_off":
            out += bytes((0x80 | channel, rng.randrange(128), rng.randrange(128)))
        elif kind == "control_change":
            out += bytes((0xB0 | channel, rng.randrange(128), rng.randrange(128)))
        elif kind == "pitchwheel":
            value = rng.randrange(1 << 14)
            out += bytes((0xE0 | channel, value & 0x7F, value >> 7))
        elif kind == "program_change":
            out += bytes((0xC0 | channel, rng.randrange(128)))
        else:
            length = rng.randint(5, 50)
            out += bytes([0xF0] + [rng.randrange(128) for _ in range(length - 2)] + [0xF7])
        count += 1
        if rng.random() < 0.05:
            out.append(rng.choice(realtime))
            count += 1
    return bytes(out), count


def check_same_messages(mido_messages, midox_messages, expected_count, sample_size, seed=SEED):
    """Raise AssertionError unless both parsers found the same messages; return how many were compared."""
    counts = (len(mido_messages), len(midox_messages), expected_count)
    if not counts[0] == counts[1] == counts[2]:
        raise AssertionError(f"message counts differ: mido {counts[0]}, midox {counts[1]}, "
                             f"generated {counts[2]}")
    for index, (a, b) in enumerate(zip(mido_messages, midox_messages)):
        if a.type != b.type:
            raise AssertionError(f"message {index}: mido {a!r}, midox {b!r}")
    if sample_size >= len(mido_messages):
        indices = range(len(mido_messages))
    else:
        indices = sorted(random.Random(seed).sample(range(len(mido_messages)), sample_size))
    for index in indices:
        if vars(mido_messages[index]) != vars(midox_messages[index]):
            raise AssertionError(f"message {index}: mido {vars(mido_messages[index])}, "
                                 f"midox {vars(midox_messages[index])}")
    return len(indices)


# --- memory -----------------------------------------------------------------------------------------------

def bytes_per_note_on(message_class, arguments):
    """Traced bytes per message for a list of distinct note_on messages, the list itself not counted.

    The list and the argument values (including the time ints) exist before tracing starts, so what is
    counted is what the messages themselves allocate: the object, and for mido its attribute dict.
    """
    messages = [None] * len(arguments)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        index = 0
        for channel, note, velocity, time_ in arguments:
            messages[index] = message_class("note_on", channel=channel, note=note, velocity=velocity,
                                            time=time_)
            index += 1
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    if len({(m.note, m.velocity, m.time) for m in messages}) != len(messages):
        raise AssertionError("the messages are not distinct")
    return used / len(arguments)


# --- report -----------------------------------------------------------------------------------------------

def format_ns(ns):
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} us"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def make_row(operation, input_, unit, mido_value, midox_value, target):
    ratio = mido_value / midox_value if midox_value else float("inf")
    met = None if target is None else ratio >= target
    return {"operation": operation, "input": input_, "unit": unit, "mido": mido_value, "midox": midox_value,
            "ratio": ratio, "target": target, "met": met}


def print_table(rows):
    headers = ["operation", "input", "mido", "midox", "mido/midox", "target", ""]
    lines = []
    for row in rows:
        if row["unit"] == "bytes/msg":
            mido_text, midox_text = f"{row['mido']:.1f} B", f"{row['midox']:.1f} B"
            ratio_text = f"{row['ratio']:.1f}x smaller"
            target_text = f">= {row['target']:g}x smaller"
        else:
            per = "/MB" if row["unit"] == "ns/MB" else "/op"
            mido_text, midox_text = format_ns(row["mido"]) + per, format_ns(row["midox"]) + per
            ratio_text = f"{row['ratio']:.1f}x faster"
            target_text = "report" if row["target"] is None else f">= {row['target']:g}x"
        mark = "" if row["met"] is None else ("ok" if row["met"] else "MISSED")
        lines.append([row["operation"], row["input"], mido_text, midox_text, ratio_text, target_text, mark])
    print_columns(headers, lines, right={2, 3, 4})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repeats (a smoke test)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)

    repeats = 2 if args.quick else 5
    min_loop_ns = 20_000_000 if args.quick else 100_000_000       # autorange: a loop lasts at least this
    mido_parse_runs = 1 if args.quick else 2
    sample_size = 2_000 if args.quick else 20_000
    started = time.perf_counter()

    header = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "midox": package_version(midox, "midox"),
        "mido": package_version(mido, "mido"),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "repeats": repeats,
    }
    print(f"Python {header['python']} | midox {header['midox']} | mido {header['mido']} | "
          f"CPU {header['cpu']} ({header['cpus']} CPUs)" + (" | --quick" if args.quick else ""))
    print(f"best of {repeats} repeats, loops of >= {min_loop_ns / 1e6:g} ms (autorange), gc off while timing")
    print()
    sys.stdout.flush()

    # Micro-operations: the same statement runs against each library's namespace.
    rows = []
    namespaces = {}
    for name, module in (("mido", mido), ("midox", midox)):
        namespaces[name] = {
            "Message": module.Message,
            "NOTE_ON_LIST": list(NOTE_ON_LIST),
            "NOTE_ON_BYTES": bytes(NOTE_ON_LIST),
            "SYSEX_LIST": list(SYSEX_LIST),
            "SYSEX_BYTES": bytes(SYSEX_LIST),
            "msg": module.Message("note_on", channel=3, note=60, velocity=100, time=120),
        }
    for operation, input_, stmt, target in MICRO_OPS:
        # Before timing: the statement works, is warm, and gives the same result in both libraries.
        mido_result, midox_result = (eval(stmt, namespaces[name]) for name in ("mido", "midox"))
        if hasattr(mido_result, "type"):
            mido_result, midox_result = vars(mido_result), vars(midox_result)
        if mido_result != midox_result:
            raise AssertionError(f"{stmt}: mido gives {mido_result!r}, midox {midox_result!r}")
        results = best_times_per_op(stmt, namespaces, min_loop_ns, repeats)
        rows.append(make_row(operation, input_, "ns/op", results["mido"], results["midox"], target))

    # parse_all over generated traffic.
    data, expected = generate_traffic(TRAFFIC_BYTES)
    megabytes = len(data) / 1e6
    midox_holder, midox_first_ns = timed_parse(midox.parse_all, data)
    mido_holder, mido_first_ns = timed_parse(mido.parse_all, data)
    compared = check_same_messages(mido_holder[0], midox_holder[0], expected, sample_size)
    mido_parse_ns = [mido_first_ns + timed_free(mido_holder)]
    midox_first_ns += timed_free(midox_holder)
    # midox: autoranged loops, with mido's further runs in between (a slow spell then hits both sides).
    midox_timer = timeit.Timer("parse_all(DATA)", globals={"parse_all": midox.parse_all, "DATA": data},
                               timer=time.perf_counter_ns)
    loops = autorange(midox_timer, 2 * min_loop_ns)
    midox_parse_ns = midox_first_ns
    for repeat in range(repeats):
        midox_parse_ns = min(midox_parse_ns, run_loop(midox_timer, loops) / loops)
        if repeat < mido_parse_runs - 1:
            holder, parse_ns = timed_parse(mido.parse_all, data)
            mido_parse_ns.append(parse_ns + timed_free(holder))
    rows.append(make_row("parse_all", f"{len(data):,} bytes, {expected:,} msgs", "ns/MB",
                         min(mido_parse_ns) / megabytes, midox_parse_ns / megabytes, PARSE_TARGET))

    # Memory of one note_on message.
    rng = random.Random(SEED)
    arguments = [(rng.randrange(16), i % 128, (i // 128) % 128, i) for i in range(MEMORY_COUNT)]
    memory = {name: bytes_per_note_on(module.Message, arguments)
              for name, module in (("mido", mido), ("midox", midox))}
    rows.append(make_row("note_on memory", f"{MEMORY_COUNT:,} distinct msgs", "bytes/msg",
                         memory["mido"], memory["midox"], MEMORY_TARGET))

    print_table(rows)
    elapsed = time.perf_counter() - started
    print()
    print(f"parse_all: mido timed {len(mido_parse_ns)}x on the full stream, midox autoranged; both parsed "
          f"{expected:,} messages, vars() equal on {compared:,} of them (seed {SEED}).")
    print("memory: tracemalloc bytes per message, the list and the argument values not counted.")
    missed = [row for row in rows if row["met"] is False]
    print(f"{len(missed)} of {sum(row['met'] is not None for row in rows)} targets missed; "
          f"ran in {elapsed:.1f} s.")

    if args.json:
        report = dict(header, seed=SEED, traffic_bytes=len(data), traffic_messages=expected,
                      parse_checked_messages=compared, mido_parse_runs=len(mido_parse_ns),
                      elapsed_s=round(elapsed, 2), rows=rows)
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
