#!/usr/bin/python3
"""The reference renderer of the business-metrics design document (matplotlib, Agg backend) drawing the benchmark
chart Vigil draws: value line, dashed expected line, shaded band, red anomaly markers, title, legend, HH:MM time
axis, 12x6 inches at 100 dpi = 1200x600 pixels. Run by `Vigil.Charts.Benchmarks compare`, which writes the CSV.

usage: /usr/bin/python3 matplotlib_chart.py DATA.csv REPEATS OUT.png
Prints wall and CPU (process) time per chart, measured after one warm-up render.
"""
import csv
import io
import sys
import time
from datetime import datetime, timezone

import matplotlib

matplotlib.use("Agg")  # headless, as the design document requires
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    t, v, e, lo, hi, at, av = [], [], [], [], [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            ts = datetime.fromtimestamp(int(row["timestamp_ms"]) / 1000, tz=timezone.utc)
            value = float(row["value"])
            t.append(ts)
            v.append(value)
            e.append(float(row["expected"]))
            lo.append(float(row["lower"]))
            hi.append(float(row["upper"]))
            if row["anomaly"] == "1":
                at.append(ts)
                av.append(value)
    return t, v, e, lo, hi, at, av


def render(data):
    t, v, e, lo, hi, at, av = data
    fig, ax = plt.subplots(figsize=(12, 6))
    ax.fill_between(t, lo, hi, color="#1f77b4", alpha=0.18, linewidth=0, label="expected band")
    ax.plot(t, e, color="#555555", linewidth=1.2, linestyle="--", label="expected")
    ax.plot(t, v, color="#1f77b4", linewidth=1.5, label="orders_per_minute")
    ax.scatter(at, av, color="red", s=50, zorder=5, label="anomaly (score > 1)")
    ax.set_title("Metric Analysis: orders_per_minute", fontsize=16)
    ax.set_ylabel("value", fontsize=12)
    ax.set_xlabel("time (UTC)")
    ax.grid(True, which="both", linestyle="--", linewidth=0.5)
    ax.legend(loc="upper left")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=timezone.utc))
    buf = io.BytesIO()
    # No bbox_inches="tight": it would crop the image away from 1200x600.
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def main():
    path, repeats, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = load(path)
    png = render(data)  # warm-up: imports, font cache
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        png = render(data)
    wall = (time.perf_counter() - wall0) / repeats * 1000
    cpu = (time.process_time() - cpu0) / repeats * 1000
    with open(out, "wb") as f:
        f.write(png)
    print(f"matplotlib {matplotlib.__version__}: {wall:.1f} ms wall, {cpu:.1f} ms CPU per chart, PNG {len(png)} bytes, "
          f"{len(data[0])} points, {len(data[5])} anomalies")


if __name__ == "__main__":
    main()
