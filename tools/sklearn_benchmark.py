#!/usr/bin/python3
"""Side-by-side benchmark data and scikit-learn timings for Vigil's Isolation Forest (docs/models.md).

    /usr/bin/python3 tools/sklearn_benchmark.py OUT_DIR [--rows 100000] [--features 8] [--seed 1] [--repeat 3]

Writes OUT_DIR/train.f64 and OUT_DIR/test.f64 (row-major float64 LE), OUT_DIR/test_labels.f64 (1 = anomaly),
OUT_DIR/sklearn_scores.f64 and OUT_DIR/sklearn.json with fit time, single-threaded scoring throughput and
ROC AUC. The C# side (bench/Vigil.Benchmarks/IsolationForestBenchmarks.cs, the AUC parity test) reads the same files.
"""
import argparse
import json
import os
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def make(rng, rows, features, anomaly_fraction):
    """Correlated Gaussian clusters with ~1% anomalies: uniform in a wide box, and points breaking the correlation."""
    n_anom = int(rows * anomaly_fraction)
    n_norm = rows - n_anom
    cov = 0.7 * np.ones((features, features)) + 0.3 * np.eye(features)
    centres = np.stack([np.zeros(features), np.linspace(3, -3, features)])
    which = rng.integers(0, 2, n_norm)
    normal = rng.multivariate_normal(np.zeros(features), cov, size=n_norm) + centres[which]
    half = n_anom // 2
    box = rng.uniform(-7, 7, size=(half, features))
    broken = rng.normal(0, 1, size=(n_anom - half, features)) * 2.2  # independent: off the correlated manifold
    x = np.vstack([normal, box, broken])
    y = np.r_[np.zeros(n_norm), np.ones(n_anom)]
    order = rng.permutation(rows)
    return x[order], y[order]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--features", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    train, _ = make(rng, args.rows, args.features, 0.01)
    test, labels = make(rng, args.rows, args.features, 0.01)
    os.makedirs(args.out_dir, exist_ok=True)
    train.astype("<f8").tofile(os.path.join(args.out_dir, "train.f64"))
    test.astype("<f8").tofile(os.path.join(args.out_dir, "test.f64"))
    labels.astype("<f8").tofile(os.path.join(args.out_dir, "test_labels.f64"))

    fit_times, score_times = [], []
    for r in range(args.repeat):
        forest = IsolationForest(n_estimators=100, random_state=args.seed + r, n_jobs=1)
        t0 = time.perf_counter()
        forest.fit(train)
        fit_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scores = forest.score_samples(test)  # single-threaded in scikit-learn
        score_times.append(time.perf_counter() - t0)
        if r == 0:
            auc = roc_auc_score(labels, -scores)
            scores.astype("<f8").tofile(os.path.join(args.out_dir, "sklearn_scores.f64"))
    result = {
        "sklearn_version": sklearn.__version__,
        "rows": args.rows,
        "features": args.features,
        "fit_seconds_median": float(np.median(fit_times)),
        "score_seconds_median": float(np.median(score_times)),
        "score_rows_per_second": args.rows / float(np.median(score_times)),
        "roc_auc": float(auc),
    }
    with open(os.path.join(args.out_dir, "sklearn.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
