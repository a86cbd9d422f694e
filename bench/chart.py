#!/usr/bin/env python3
"""Charts and tables from criterion's JSON (target/criterion).

Usage: python3 bench/chart.py [CRITERION_DIR] [OUT_DIR]
  CRITERION_DIR  default: $CARGO_TARGET_DIR/criterion or target/criterion
  OUT_DIR        default: bench/ (writes benchmarks.png, prints Markdown tables)

Reads every <group>/<function>/<value>/new/{benchmark,estimates}.json and
uses the median. Needs matplotlib (pip install matplotlib).
"""
import json
import os
import sys
from collections import defaultdict

SIZES = ["16B", "125B", "1KiB", "16KiB", "1MiB", "16MiB"]
SIZE_BYTES = {"16B": 16, "125B": 125, "125B-fixed": 125, "1KiB": 1 << 10, "16KiB": 16 << 10, "64KiB": 64 << 10, "1MiB": 1 << 20,
              "16MiB": 16 << 20}


def load(root):
    """{(group, function, value): (median_ns, throughput dict)}"""
    out = {}
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            b = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            e = json.load(f)
        func, value = b.get("function_id") or "", b.get("value_str") or ""
        if value == "" and "/" in func:  # bench_function("name/param")
            func, value = func.split("/", 1)
        out[(b["group_id"], func, value)] = (e["median"]["point_estimate"], b.get("throughput") or {})
    return out


def unit_of(tp):
    return "GB/s" if "Bytes" in tp else "M/s" if "Elements" in tp else ""


def rate(median_ns, tp):
    """GB/s for byte throughput, M/s for element throughput."""
    if "Bytes" in tp:
        return tp["Bytes"] / median_ns  # bytes per ns == GB/s
    if "Elements" in tp:
        return tp["Elements"] / median_ns * 1e3  # per ns -> M per s
    return None


# One colour per implementation in every panel; the ceilings are grey.
COLORS = {
    "wsframe": "#d62728", "wsframe_copy_mask": "#ff9896", "wsframe_word": "#c49c94", "wsframe_as_binary": "#7f7f7f",
    "tungstenite": "#1f77b4", "tungstenite_u32_align_to": "#1f77b4", "fastwebsockets": "#2ca02c",
    "tokio-websockets": "#9467bd", "soketto": "#8c564b", "embedded-websocket": "#e377c2",
    "websocket-sans-io": "#17becf", "yawc": "#bcbd22", "memset": "#404040", "memcpy": "#a0a0a0",
    "byte_loop": "#dbdb8d",
}
# Peers that decode frames but do not validate UTF-8 or message sequencing.
FRAME_ONLY = {"websocket-sans-io", "embedded-websocket"}


def label(func):
    return func + (" *" if func in FRAME_ONLY else "")


def fmt_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3g} {unit}"
    return f"{ns:.3g} ns"


def table(data, group, values, funcs, base):
    """Markdown: one row per function, per value `median (rate) **time / base's time**`."""
    lines = ["| implementation | " + " | ".join(values) + " |", "|---" * (len(values) + 1) + "|"]
    for func in funcs:
        cells = []
        for v in values:
            got = data.get((group, func, v))
            ref = data.get((group, base, v))
            if not got:
                cells.append("–")
                continue
            r = rate(*got)
            cell = fmt_time(got[0])
            if group == "header_parse" and "Elements" in got[1]:
                # A stream of headers per iteration: the time per header.
                cell = fmt_time(got[0] / got[1]["Elements"]) + " per header"
            if r is not None:
                cell += f" ({r:.3g} {unit_of(got[1])})"
            if ref and func != base:
                cell += f" **{got[0] / ref[0]:.2f}×**"
            cells.append(cell)
        lines.append(f"| {func} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def funcs_of(data, group):
    seen = []
    for g, f, _ in data:
        if g == group and f not in seen:
            seen.append(f)
    return seen


def values_of(data, group):
    seen = []
    for g, _, v in data:
        if g == group and v not in seen:
            seen.append(v)
    return sorted(seen, key=lambda v: SIZE_BYTES.get(v, 0))


def deflate_chart(plt, data, out_dir):
    """permessage-deflate (BENCHMARKS.md section 8): MB/s of message bytes per implementation,
    one panel per group, one bar group per size; written to benchmarks-deflate.png."""
    groups = [g for g in ("inflate_json", "compress_json", "compress_html", "compress_text", "echo_json")
              if funcs_of(data, g)]
    fig, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 5))
    for ax, group in zip(axes, groups):
        sizes = values_of(data, group)
        funcs = sorted(funcs_of(data, group), key=lambda f: (not f.startswith("wsframe"), f))
        w = 0.8 / max(len(funcs), 1)
        for i, func in enumerate(funcs):
            ys = []
            for v in sizes:
                got = data.get((group, func, v))
                ys.append(rate(*got) * 1000 if got else 0)
            ax.bar([j + i * w for j in range(len(sizes))], ys, w, label=func,
                   color=COLORS.get(func), edgecolor="black" if func.startswith("wsframe") else None)
        ax.set_xticks([j + 0.4 - w / 2 for j in range(len(sizes))], sizes, fontsize=8)
        ax.set_title(group)
        ax.set_ylabel("MB/s of message (higher is better)")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("permessage-deflate: criterion medians of one run (BENCHMARKS.md section 8)", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, "benchmarks-deflate.png")
    fig.savefig(path, dpi=70)
    print(f"\nwrote {path}")


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "criterion")
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    data = load(root)
    if not data:
        sys.exit(f"no criterion results under {root}")

    # Tables: time per call, rate, and time relative to wsframe (>1: slower).
    for group in ("mask_aligned", "mask_unaligned", "mask_fresh", "decode_small", "decode_large", "decode_text",
                  "utf8", "encode", "header_parse", "header_parse_call", "accept_key",
                  "inflate_json", "compress_json", "compress_html", "compress_text", "echo_json"):
        funcs = funcs_of(data, group)
        if not funcs:
            continue
        base = next((b for b in ("wsframe", "wsframe_streaming", "wsframe-default") if b in funcs), funcs[0])
        print(f"\n### {group}\n")
        print(table(data, group, values_of(data, group), funcs, base))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if funcs_of(data, "inflate_json"):
        deflate_chart(plt, data, out_dir)
    if not funcs_of(data, "mask_aligned"):
        return

    fig, axes = plt.subplots(2, 2, figsize=(15, 10))
    # Masking: GB/s against size, one line per implementation.
    for ax, group in zip(axes[0], ("mask_aligned", "mask_unaligned")):
        for func in funcs_of(data, group):
            xs, ys = [], []
            for v in SIZES:
                got = data.get((group, func, v))
                if got:
                    xs.append(SIZE_BYTES[v])
                    ys.append(rate(*got))
            style = "--" if func in ("memset", "memcpy") else "-"
            width = 3 if func == "wsframe" else 1.3
            ax.plot(xs, ys, style, marker="o", linewidth=width, markersize=3, label=func, color=COLORS.get(func))
        ax.set_xscale("log", base=2)
        ax.set_xticks([SIZE_BYTES[s] for s in SIZES], SIZES)
        ax.set_ylabel("GB/s (higher is better)")
        ax.set_title(f"Masking in place, {group.split('_')[1]} start")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="best")

    # Decoding: rate per implementation, one bar group per shape.
    def bars(ax, groups, title, ylabel):
        shapes = [(g, v) for g in groups for v in values_of(data, g)]
        funcs = []
        for g in groups:
            funcs += [f for f in funcs_of(data, g) if f not in funcs]
        funcs.sort(key=lambda f: (not f.startswith("wsframe"), f))
        w = 0.8 / max(len(funcs), 1)
        for i, func in enumerate(funcs):
            ys = []
            for g, v in shapes:
                got = data.get((g, func, v))
                ys.append(rate(*got) if got else 0)
            ax.bar([j + i * w for j in range(len(shapes))], ys, w, label=label(func), color=COLORS.get(func))
        ax.set_xticks([j + 0.4 - w / 2 for j in range(len(shapes))], [v for _, v in shapes], fontsize=8)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=7)

    # Small frames: one horizontal bar per implementation, fastest on top.
    ax = axes[1][0]
    rows = sorted(((rate(*got), f) for (g, f, _), got in data.items() if g == "decode_small"), reverse=True)
    ax.barh([label(f) for _, f in rows][::-1], [r for r, _ in rows][::-1],
            color=[COLORS.get(f) for _, f in rows][::-1])
    for y, (r, _) in enumerate(rows[::-1]):
        ax.text(r, y, f" {r:.1f}", va="center", fontsize=8)
    ax.set_xlabel("M frames/s (higher is better)")
    ax.set_title("Decode 100 000 masked 16-byte binary frames (server)")
    ax.grid(True, axis="x", alpha=0.3)
    bars(axes[1][1], ["decode_large", "decode_text"], "Decode one 16 MiB frame; 1 MiB text in 125 B / 16 KiB fragments",
         "GB/s (higher is better)")
    fig.text(0.01, 0.005, "* frame decoders without UTF-8 validation or message sequencing checks", fontsize=8)
    fig.suptitle("wsframe vs peers: criterion medians of the latest run in BENCHMARKS.md (AMD EPYC Zen 4, 2 vCPUs, shared)", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, "benchmarks.png")
    fig.savefig(path, dpi=80)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
