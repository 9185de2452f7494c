#!/usr/bin/python3
"""Regenerates tests/Vigil.Models.Tests/golden/isolation_forest_v1.vmodel: a hand-built two-tree forest that pins
format_version 1. Only rerun when the format version changes (and keep the old golden file for the old version)."""
import datetime as dt
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigil_model  # noqa: E402

trees = [
    {"feature": [0, -1, 1, -1, -1], "threshold": [0.0, -2, 0.5, -2, -2], "left": [1, -1, 3, -1, -1],
     "right": [2, -1, 4, -1, -1], "n_node_samples": [4, 1, 3, 2, 1]},
    {"feature": [1, -1, -1], "threshold": [-0.5, -2, -2], "left": [1, -1, -1], "right": [2, -1, -1],
     "n_node_samples": [4, 1, 3]},
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Vigil.Models.Tests", "golden",
                   "isolation_forest_v1.vmodel")
vigil_model.write_model(
    out, name="golden", trees=trees, feature_names=["cpu", "latency_p99"],
    queries=["rate(cpu[5m])", "histogram_quantile(0.99, rate(latency_bucket[5m]))"],
    scaling=[("standard", 0.25, 2.0), ("robust", -1.0, 0.5)], max_samples=4, offset=-0.5,
    input_precision="float64", producer="make_golden.py", created_at=dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc),
    contamination=None, random_state=1, join_labels=["instance"], step_seconds=60.0,
    training={"from": "2026-11-07T00:00:00+00:00", "to": "2026-11-21T00:00:00+00:00", "rows": 4, "skipped": {}},
    validation={"anomaly_rate": 0.25})


def c(n):
    return 0.0 if n <= 1 else 1.0 if n == 2 else 2.0 * (math.log(n - 1.0) + 0.5772156649015329) - 2.0 * (n - 1.0) / n


# Point (0.5, -0.25): tree 1 ends at depth 2 in a 2-sample leaf, tree 2 at depth 1 in a 3-sample leaf.
print(repr(-2 ** (-((2 + c(2)) + (1 + c(3))) / (2 * c(4)))))
