"""What the benchmarks share: the machine's description and timeit-style loops with the collector off."""
import contextlib
import gc
import itertools
import json
import os
import pathlib
import platform
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def package_version(module, dist):
    version = getattr(module, "__version__", None)
    if version:
        return str(version)
    try:
        from importlib.metadata import version as dist_version
        return dist_version(dist)
    except Exception:
        return str(getattr(module, "version_info", "?"))


def load_average():
    try:
        return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "load average unknown"


def corpus_directory():
    """The corpus of real MIDI files: MIDOX_CORPUS, or ../shared/corpus beside the project."""
    return pathlib.Path(os.environ.get("MIDOX_CORPUS") or ROOT.parent / "shared" / "corpus")


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


@contextlib.contextmanager
def gc_off():
    """Collect what is pending, then keep the cyclic garbage collector off (as timeit does while timing).

    After the collection everything alive is frozen (gc.freeze), so that the next collection only scans
    what was allocated since: with millions of loaded messages alive, a full collection before every loop
    would take longer than many of the loops. Nothing is collected or frozen while a loop runs.
    """
    gc.collect()
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_loop(timer, number):
    """Run the timer's compiled loop `number` times and return the nanoseconds it took."""
    with gc_off():
        return timer.inner(itertools.repeat(None, number), timer.timer)


def autorange(timer, min_loop_ns):
    """Return the first loop length of 1, 2, 5, 10, 20, 50, ... whose loop lasts min_loop_ns or more."""
    number = 1
    while True:                 # as timeit.Timer.autorange does, with a configurable threshold
        for factor in (1, 2, 5):
            loops = number * factor
            if run_loop(timer, loops) >= min_loop_ns:
                return loops
        number *= 10


def timed_free(holder):
    """Empty the list `holder` (its items' last reference) and return the nanoseconds freeing took."""
    with gc_off():
        start = time.perf_counter_ns()
        holder.clear()
        return time.perf_counter_ns() - start



def format_seconds(ns):
    """A duration given in nanoseconds, in the unit that suits it."""
    if ns < 1e6:
        return f"{ns / 1e3:.1f} us"
    if ns < 1e9:
        return f"{ns / 1e6:.1f} ms"
    return f"{ns / 1e9:.2f} s"


def format_rate(megabytes, ns):
    """Megabytes per second, or '' without a size or a time."""
    return "" if megabytes is None or not ns else f"{megabytes / (ns / 1e9):.2f}"


def write_json(path, report):
    """Write a benchmark's report as indented JSON and say so."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print(f"wrote {path}")


def print_columns(headers, lines, right):
    """Print rows of strings as aligned columns under a dashed rule; the columns in `right` align right."""
    widths = [max(len(str(line[i])) for line in [headers] + lines) for i in range(len(headers))]

    def render(cells):
        return "  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                         for i, cell in enumerate(cells)).rstrip()

    print(render(headers))
    print("  ".join("-" * width for width in widths).rstrip())
    for line in lines:
        print(render(line))
