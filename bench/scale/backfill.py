#!/usr/bin/env python3
"""Backfills the scale benchmark's Prometheus with history, so that Vigil's warm-up makes every series mature.

Writes the exporter's own series (same labels as Prometheus stores them after the scrape, same values: the daily sine
and noise of exporter.py, which depend only on (series, minute)) at one sample per --step seconds over the last
--steps steps, in OpenMetrics, and turns them into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`.
The text of 100k series over 5 hours is ~7 GB, more than this disk has free, so it is written and converted one hour
at a time (each chunk within one 2-hour block window) and deleted after each conversion. Start Prometheus on --tsdb
afterwards: it loads the blocks, and the live scrape continues the same series after them.
"""
import argparse
import math
import os
import subprocess
import sys
import time

CHUNK_SECONDS = 3600


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True, help="samples per series")
    parser.add_argument("--step", type=int, default=30, help="seconds between samples")
    parser.add_argument("--target", required=True, help="the scrape target's instance label, host:port")
    parser.add_argument("--job", default="synthetic")
    parser.add_argument("--tsdb", required=True, help="Prometheus' --storage.tsdb.path")
    parser.add_argument("--scratch", default="/dev/shm", help="where each chunk's OpenMetrics text is written")
    args = parser.parse_args()

    # Prometheus moves the exporter's own `instance` to `exported_instance` (no honor_labels) and adds job and the
    # target's instance; label names sorted as Prometheus keeps them.
    prefixes = [
        f'scale_value{{exported_instance="host-{i // 100}",instance="{args.target}",job="{args.job}",series="{i}"}} '
        for i in range(args.series)
    ]
    phases = [(i * 0.618033) % 1.0 * 2 * math.pi for i in range(args.series)]
    end = int(time.time()) // args.step * args.step
    first = end - (args.steps - 1) * args.step
    os.makedirs(args.tsdb, exist_ok=True)
    chunk_start = first
    started = time.monotonic()
    while chunk_start <= end:
        chunk_end = min(end, (chunk_start // CHUNK_SECONDS + 1) * CHUNK_SECONDS - 1)
        path = os.path.join(args.scratch, f"vigil-backfill-{os.getpid()}.om")
        with open(path, "w", encoding="ascii") as out:
            out.write("# HELP scale_value Synthetic gauge for the scale benchmark.\n# TYPE scale_value gauge\n")
            minute_lines = None
            minute_of_lines = -1
            for t in range(chunk_start, chunk_end + 1, args.step):
                minute = t // 60
                if minute != minute_of_lines:
                    day = 2 * math.pi * (minute % 1440) / 1440
                    minute_lines = [
                        f"{p}{100 + 20 * math.sin(day + ph) + ((minute * 7919 + i * 104729) % 1000) / 250:.3f} "
                        for i, (p, ph) in enumerate(zip(prefixes, phases))
                    ]
                    minute_of_lines = minute
                stamp = f"{t}\n"
                out.write("".join(line + stamp for line in minute_lines))
            out.write("# EOF\n")
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "--quiet", path, args.tsdb], check=True)
        os.remove(path)
        chunk_start = chunk_end + 1
    print(f"backfilled {args.series} series x {args.steps} samples ({first}..{end}) in "
          f"{time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
