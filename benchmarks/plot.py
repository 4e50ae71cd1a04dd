#!/usr/bin/env python
"""Draw the results of a benchmark as a bar chart: how many times faster (or smaller) midox is, row by row.

    python benchmarks/bench_smf.py --quick --json smf.json
    python benchmarks/plot.py smf.json -o docs/_static/bench_smf.png

The input is the JSON that bench_core.py, bench_smf.py or bench_arrays.py write with --json; which one is told
by its rows. Each row becomes a bar: mido's time (or bytes) divided by midox's, or for bench_arrays.py
symusic's divided by midox's, on a logarithmic axis; above 1, midox is faster (or smaller). A row's target, if
it has one, is a tick on its bar. bench_smf.py's symusic column, when present, is a second bar per row.
Needs matplotlib (imported here only).
"""
import argparse
import json
import math
import pathlib
import sys


def ratio_rows(report):
    """[(label, ratio, second ratio or None, target or None)] and the axis title, for any of the three reports."""
    rows = []
    if "symusic_traced_kept_bytes" in report:           # bench_arrays.py: midox against symusic
        for row in report["rows"]:
            ratio = row.get("ratio")
            if ratio is None and row.get("other_value") and row["midox"]:
                ratio = row["other_value"] / row["midox"]       # bytes per note: smaller is better
            if ratio is None or row["operation"].startswith("context"):
                continue
            target = row["target"] if row["unit"] == "ns" else None
            rows.append((row["operation"], ratio, None, target))
        return rows, "symusic / midox (above 1: midox is faster or smaller)", ("midox vs symusic", None)
    symusic = any(row.get("symusic_ratio") for row in report["rows"])
    for row in report["rows"]:
        label = f"{row['operation']} ({row['input']})"
        rows.append((label, row["ratio"], row.get("symusic_ratio"), row.get("target")))
    second = "midox vs symusic (symusic / midox)" if symusic else None
    return rows, "mido / midox (above 1: midox is faster or smaller)", ("midox vs mido", second)


def caption(report):
    """One line: what was measured, where and with what."""
    versions = [report.get("python", "Python ?"), f"midox {report.get('midox', '?')}"]
    for name in ("mido", "symusic", "numpy"):
        if report.get(name):
            versions.append(f"{name} {report[name]}")
    cpu = report.get("cpu")
    return ", ".join(versions) + (f"; {cpu}" if cpu else "")


def plot(report, title, output):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    rows, axis_label, (first_name, second_name) = ratio_rows(report)
    if not rows:
        raise SystemExit("plot: the report has no rows to draw")
    height = 0.38 if second_name else 0.6
    figure, axes = plt.subplots(figsize=(10, 1.0 + 0.42 * len(rows) * (1.6 if second_name else 1)))
    positions = range(len(rows))
    offset = height / 2 if second_name else 0
    first = [ratio for _, ratio, _, _ in rows]
    axes.barh([p - offset for p in positions], first, height, color="#3b7dd8", label=first_name)
    for p, value in zip(positions, first):
        axes.text(value * 1.04, p - offset, f"{value:.3g}x", va="center", fontsize=8)
    if second_name:
        second = [other if other else math.nan for _, _, other, _ in rows]
        axes.barh([p + offset for p in positions], second, height, color="#e49b3c", label=second_name)
        for p, value in zip(positions, second):
            if not math.isnan(value):
                axes.text(value * 1.04, p + offset, f"{value:.3g}x", va="center", fontsize=8)
    targets = [(p, target) for p, (_, _, _, target) in zip(positions, rows) if target]
    if targets:
        axes.scatter([t for _, t in targets], [p - offset for p, _ in targets], marker="|", s=260, color="black",
                     zorder=3, label="target")
    axes.axvline(1.0, color="grey", linewidth=0.8)
    axes.set_xscale("log")
    values = [v for v in first + (second if second_name else []) if v and not math.isnan(v)]
    axes.set_xlim(min(0.5, min(values) / 2), max(values) * 2.5)      # room for the labels
    axes.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_yticks(list(positions))
    axes.set_yticklabels([label for label, _, _, _ in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.set_title(title, fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    figure.text(0.01, 0.005, caption(report), fontsize=7, color="dimgrey")
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    figure.savefig(output, dpi=110)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="the JSON file a benchmark wrote with --json")
    parser.add_argument("-o", "--output", help="the image to write (default: the results' name with .png)")
    parser.add_argument("--title", help="the chart's title (default: the results' file name)")
    args = parser.parse_args(argv)
    results = pathlib.Path(args.results)
    report = json.loads(results.read_text(encoding="utf-8"))
    output = args.output or str(results.with_suffix(".png"))
    plot(report, args.title or results.stem, output)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
