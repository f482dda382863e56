#!/usr/bin/env python3
"""Turns BenchmarkDotNet CSV reports of SoftmaxGenerators.Benchmarks into a markdown table and an SVG bar chart.

Standard library only. Usage:

    python3 benchmarks/report.py [RESULTS_DIR ...] [--markdown OUT.md] [--svg OUT.svg]

RESULTS_DIR defaults to BenchmarkDotNet.Artifacts/results. Every *-report.csv in it is read; when two files hold the
same benchmark (element type, N, rows, method), the newer file wins. The markdown goes to stdout unless --markdown is
given. Speedup = mean time of TensorPrimitives / mean time of the generated kernel (> 1: generated is faster), always
computed within one run (side by side).

Several RESULTS_DIRs (one per run, e.g. three quick runs into --artifacts /tmp/run1 ...): every time and speedup in the
table is the median over the runs, the speedups of each run are listed too, and the chart draws the median with a
min-max whisker. A noisy, shared machine is better described by that than by any single run.
"""

import statistics

import argparse
import csv
import glob
import os
import sys
from xml.sax.saxutils import escape

SINGLE_ROW_LENGTHS = [10, 16, 64, 256, 1024, 4096, 65536]
ELEMENTS = ["float", "double"]
COLORS = {"float": "#3572b0", "double": "#e07b24"}


def target(element, n, rows):
    """The speedup over TensorPrimitives that issue 4 asks for (single rows only)."""
    if rows != 1:
        return None
    if element == "double":
        return 2.0
    if n <= 16:
        return 3.0
    if n <= 4096:
        return 2.5
    return 2.0


def number(text):
    text = text.strip().replace(",", "")
    for unit in (" ns", " us", " μs", " ms", " s"):
        if text.endswith(unit):
            raise ValueError(f"time with a unit in the CSV ({text!r}): run the benchmarks with this repository's config")
    return float(text) if text not in ("", "NA", "?") else None


def load(results_dir):
    files = sorted(glob.glob(os.path.join(results_dir, "*-report.csv")), key=os.path.getmtime)
    if not files:
        sys.exit(f"no *-report.csv in {results_dir}")
    data = {}
    for path in files:  # oldest first: newer files overwrite
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if "Elem" not in row or "Mean [ns]" not in row:
                    continue
                mean = number(row["Mean [ns]"])
                if mean is None:
                    continue
                key = (row["Elem"], int(number(row["N"])), int(number(row["Rows"])), row["Method"])
                data[key] = {"mean": mean, "job": row.get("Job", ""), "file": os.path.basename(path)}
    return data


def fmt_ns(value):
    if value is None:
        return "-"
    if value >= 100_000:
        return f"{value / 1000:,.0f} µs"
    if value >= 10_000:
        return f"{value / 1000:,.1f} µs"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def speedup(data, element, n, rows):
    tp = data.get((element, n, rows, "TensorPrimitives"))
    gen = data.get((element, n, rows, "Generated"))
    if tp is None or gen is None:
        return None
    return tp["mean"] / gen["mean"]


def speedups(runs, element, n, rows):
    """The speedup of each run that has both benchmarks (each ratio taken within its own run)."""
    return [v for d in runs if (v := speedup(d, element, n, rows)) is not None]


def median_speedup(runs, element, n, rows):
    values = speedups(runs, element, n, rows)
    return statistics.median(values) if values else None


def median_mean(runs, element, n, rows, method):
    values = [d[(element, n, rows, method)]["mean"] for d in runs if (element, n, rows, method) in d]
    return statistics.median(values) if values else None


def markdown(runs):
    out = []
    jobs = sorted({v["job"] for d in runs for v in d.values()})
    many = len(runs) > 1
    how = (f"median of {len(runs)} runs (times: median of the runs' means; speedup: median of the per-run speedups, "
           "each taken within one run)") if many else "one run"
    out.append(f"Job(s): {', '.join(jobs)}; {how}. Times in nanoseconds unless marked µs; "
               "speedup = TensorPrimitives time / generated time (higher is better).")
    out.append("")
    per_run_head = " Speedup per run |" if many else ""
    per_run_rule = "---:|" if many else ""

    def per_run(element, n, rows):
        if not many:
            return ""
        return " " + ", ".join(f"{v:.2f}" for v in speedups(runs, element, n, rows)) + " |"

    for element in ELEMENTS:
        out.append(f"**{element}, one row** (`X.Softmax(input, output)` vs `TensorPrimitives.SoftMax`)")
        out.append("")
        out.append("| N | TensorPrimitives (ns) | Generated (ns) | Generated ns/elem | **Speedup** |" + per_run_head +
                   " Target | Met | Naive scalar (ns) | Stable scalar (ns) |")
        out.append("|---:|---:|---:|---:|---:|" + per_run_rule + "---:|:---:|---:|---:|")
        for n in SINGLE_ROW_LENGTHS:
            get = lambda method: median_mean(runs, element, n, 1, method)
            s = median_speedup(runs, element, n, 1)
            t = target(element, n, 1)
            gen = get("Generated")
            met = "-" if s is None else ("yes" if s >= t else "**no**")
            out.append(
                f"| {n} | {fmt_ns(get('TensorPrimitives'))} | {fmt_ns(gen)} | "
                f"{'-' if gen is None else f'{gen / n:.3f}'} | "
                f"{'-' if s is None else f'**{s:.2f}x**'} |{per_run(element, n, 1)} {t:g}x | {met} | "
                f"{fmt_ns(get('NaiveScalar'))} | {fmt_ns(get('StableScalar'))} |")
        out.append("")
    out.append("**Batches** (`X.SoftmaxRows(input, output)` vs `TensorPrimitives.SoftMax` row by row)")
    out.append("")
    out.append("| Type | Rows x N | TensorPrimitives (ns/row) | SoftmaxRows (ns/row) | SoftmaxRows ns/elem | **Speedup** |" +
               per_run_head)
    out.append("|---|---:|---:|---:|---:|---:|" + per_run_rule)
    batches = sorted({(e, n, r) for d in runs for (e, n, r, m) in d if r != 1 and m == "Generated"},
                     key=lambda k: (ELEMENTS.index(k[0]), k[1]))
    for element, n, rows in batches:
        tp = median_mean(runs, element, n, rows, "TensorPrimitives")
        gen = median_mean(runs, element, n, rows, "Generated")
        s = median_speedup(runs, element, n, rows)
        out.append(
            f"| {element} | {rows} x {n} | {fmt_ns(None if tp is None else tp / rows)} | "
            f"{fmt_ns(None if gen is None else gen / rows)} | "
            f"{'-' if gen is None else f'{gen / rows / n:.3f}'} | {'-' if s is None else f'**{s:.2f}x**'} |"
            f"{per_run(element, n, rows)}")
    out.append("")
    return "\n".join(out)


def svg(runs):
    groups = [(f"N={n}", n, 1) for n in SINGLE_ROW_LENGTHS]
    batches = sorted({(n, r) for d in runs for (_e, n, r, m) in d if r != 1 and m == "Generated"})
    groups += [(f"{r} rows of N={n}", n, r) for (n, r) in batches]
    values = [v for (_l, n, r) in groups for e in ELEMENTS for v in speedups(runs, e, n, r)]
    top = max([3.5] + [v * 1.12 for v in values])
    step = 0.5 if top <= 5 else 1.0

    width, height = 960, 460
    left, right, upper, lower = 70, 20, 60, 80
    plot_w, plot_h = width - left - right, height - upper - lower
    group_w = plot_w / len(groups)
    bar_w = group_w * 0.32

    def y(v):
        return upper + plot_h * (1 - v / top)

    p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         'font-family="Helvetica, Arial, sans-serif" font-size="12">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">'
         'Generated softmax: speedup over TensorPrimitives.SoftMax (higher is better)</text>',
         f'<text x="{width / 2}" y="42" text-anchor="middle" fill="#555">'
         'black ticks: targets of issue 4 (single rows); dashed line: parity with TensorPrimitives'
         + (f'; bars: median of {len(runs)} runs, whiskers: min-max' if len(runs) > 1 else '') + '</text>']
    v = 0.0
    while v <= top + 1e-9:
        p.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="#e4e4e4"/>')
        p.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}x</text>')
        v += step
    p.append(f'<line x1="{left}" y1="{y(1):.1f}" x2="{width - right}" y2="{y(1):.1f}" stroke="#c00" '
             'stroke-dasharray="6,4"/>')
    p.append(f'<text transform="translate(18,{upper + plot_h / 2}) rotate(-90)" text-anchor="middle">'
             'TensorPrimitives time / generated time</text>')
    for gi, (label, n, rows) in enumerate(groups):
        x0 = left + gi * group_w
        if rows != 1 and (gi == 0 or groups[gi - 1][2] == 1):
            p.append(f'<line x1="{x0:.1f}" y1="{upper}" x2="{x0:.1f}" y2="{upper + plot_h}" stroke="#999" '
                     'stroke-dasharray="2,3"/>')
            p.append(f'<text x="{x0 + 6:.1f}" y="{upper + 12}" fill="#555">SoftmaxRows batches</text>')
        for ei, element in enumerate(ELEMENTS):
            s = median_speedup(runs, element, n, rows)
            bx = x0 + group_w / 2 - bar_w + ei * bar_w
            if s is None:
                continue
            spread = speedups(runs, element, n, rows)
            p.append(f'<rect x="{bx:.1f}" y="{y(s):.1f}" width="{bar_w - 2:.1f}" height="{y(0) - y(s):.1f}" '
                     f'fill="{COLORS[element]}"><title>{escape(element)} {escape(label)}: {s:.2f}x</title></rect>')
            p.append(f'<text x="{bx + (bar_w - 2) / 2:.1f}" y="{y(0) - 6:.1f}" text-anchor="middle" '
                     f'font-size="11" fill="white">{s:.2f}</text>')
            if len(spread) > 1:
                cx = bx + (bar_w - 2) / 2
                p.append(f'<line x1="{cx:.1f}" y1="{y(min(spread)):.1f}" x2="{cx:.1f}" y2="{y(max(spread)):.1f}" '
                         'stroke="#222" stroke-width="1"/>')
                for v in (min(spread), max(spread)):
                    p.append(f'<line x1="{cx - 4:.1f}" y1="{y(v):.1f}" x2="{cx + 4:.1f}" y2="{y(v):.1f}" '
                             'stroke="#222" stroke-width="1"/>')
            t = target(element, n, rows)
            if t is not None:
                p.append(f'<line x1="{bx - 2:.1f}" y1="{y(t):.1f}" x2="{bx + bar_w:.1f}" y2="{y(t):.1f}" '
                         'stroke="black" stroke-width="2.5"/>')
        for li, part in enumerate(label.split(" of ")):
            p.append(f'<text x="{x0 + group_w / 2:.1f}" y="{upper + plot_h + 18 + 14 * li}" text-anchor="middle">'
                     f'{escape(part)}</text>')
    p.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="black"/>')
    lx = left + 10
    for element in ELEMENTS:
        p.append(f'<rect x="{lx}" y="{height - 30}" width="14" height="14" fill="{COLORS[element]}"/>')
        p.append(f'<text x="{lx + 20}" y="{height - 18}">{element}</text>')
        lx += 90
    p.append(f'<line x1="{lx}" y1="{height - 23}" x2="{lx + 18}" y2="{height - 23}" stroke="black" stroke-width="2.5"/>')
    p.append(f'<text x="{lx + 24}" y="{height - 18}">target</text>')
    p.append("</svg>")
    return "\n".join(p) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="*", default=["BenchmarkDotNet.Artifacts/results"],
                        help="one results folder per run")
    parser.add_argument("--markdown", help="write the markdown here instead of stdout")
    parser.add_argument("--svg", help="write the SVG chart here")
    args = parser.parse_args()

    runs = [load(folder) for folder in args.results]
    text = markdown(runs)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)
    if args.svg:
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(svg(runs))


if __name__ == "__main__":
    main()
