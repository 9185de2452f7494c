#!/usr/bin/python3
"""Parity fixture: fits a scikit-learn IsolationForest, converts it, and dumps its score_samples.

    /usr/bin/python3 tools/sklearn_parity.py OUT_DIR [--seed 7] [--points 10000]

Writes OUT_DIR/model.vmodel, OUT_DIR/points.f64 (row-major float64 LE, points x features),
OUT_DIR/scores.f64 (sklearn score_samples, float64 LE) and OUT_DIR/meta.json.
"""
import argparse
import json
import os
import sys

import numpy as np
from sklearn.ensemble import IsolationForest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sklearn_to_vigil import convert  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--points", type=int, default=10_000)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    n_features = 5
    cov = 0.6 * np.ones((n_features, n_features)) + 0.4 * np.eye(n_features)
    train = rng.multivariate_normal(np.arange(n_features) * 3.0, cov, size=4000)
    # Irrational-looking magnitudes so float32 rounding actually matters at the thresholds.
    train[:, 0] = train[:, 0] * 1234.5678 + 98765.4321
    forest = IsolationForest(n_estimators=100, max_features=0.8, contamination=0.03, random_state=args.seed)
    forest.fit(train)
    points = rng.multivariate_normal(np.arange(n_features) * 3.0, 2.5 * cov, size=args.points)
    points[:, 0] = points[:, 0] * 1234.5678 + 98765.4321
    # Some points exactly on thresholds: the x <= t comparison and the float32 cast must agree there too.
    for i, est in enumerate(forest.estimators_[:50]):
        t = est.tree_
        node = 0
        feature = forest.estimators_features_[i][t.feature[node]]
        points[i, feature] = t.threshold[node]
    os.makedirs(args.out_dir, exist_ok=True)
    names = [f"f{i}" for i in range(n_features)]
    convert(forest, os.path.join(args.out_dir, "model.vmodel"), name="parity", feature_names=names)
    points.astype("<f8").tofile(os.path.join(args.out_dir, "points.f64"))
    forest.score_samples(points).astype("<f8").tofile(os.path.join(args.out_dir, "scores.f64"))
    forest.predict(points).astype("<f8").tofile(os.path.join(args.out_dir, "predict.f64"))
    with open(os.path.join(args.out_dir, "meta.json"), "w") as f:
        json.dump({"points": args.points, "features": n_features, "offset": forest.offset_}, f)


if __name__ == "__main__":
    main()
