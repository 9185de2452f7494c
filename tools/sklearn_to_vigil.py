#!/usr/bin/python3
"""Converts a fitted scikit-learn IsolationForest into a Vigil model file.

    /usr/bin/python3 tools/sklearn_to_vigil.py model.joblib out.vmodel --name checkout \
        [--feature-names cpu,latency_p99] [--queries 'rate(cpu[5m])' 'histogram_quantile(...)']

or from a notebook:  from sklearn_to_vigil import convert; convert(forest, "out.vmodel", name="checkout")

Vigil scores the converted model exactly as scikit-learn's score_samples (|diff| <= 1e-9): the trees are
copied node for node, per-tree feature subsets (estimators_features_) are mapped to global feature indices,
and input_precision "float32" makes Vigil round features to float32 before comparing, as sklearn's trees do.
"""
import argparse
import os
import pickle
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigil_model  # noqa: E402


def trees_of(forest):
    trees = []
    for estimator, features in zip(forest.estimators_, forest.estimators_features_):
        t = estimator.tree_
        left = np.asarray(t.children_left, dtype=np.int64)
        internal = left != -1
        feature = np.full(t.node_count, -1, dtype=np.int64)
        feature[internal] = np.asarray(features)[t.feature[internal]]
        threshold = np.where(internal, t.threshold, -2.0)
        trees.append({
            "feature": feature,
            "threshold": threshold,
            "left": left,
            "right": np.asarray(t.children_right, dtype=np.int64),
            "n_node_samples": np.asarray(t.n_node_samples, dtype=np.int64),
        })
    return trees


def convert(forest, path, *, name, feature_names=None, queries=None, created_at=None, join_labels=(),
            step_seconds=0.0):
    import sklearn

    n_features = forest.n_features_in_
    if feature_names is None:
        feature_names = list(getattr(forest, "feature_names_in_", [f"x{i}" for i in range(n_features)]))
    if len(feature_names) != n_features:
        raise ValueError(f"{len(feature_names)} feature names for {n_features} features")
    if queries is not None and len(queries) != n_features:
        raise ValueError(f"{len(queries)} queries for {n_features} features")
    max_features = forest.max_features
    if isinstance(max_features, (int, np.integer)) and not isinstance(max_features, bool):
        max_features = max_features / n_features
    random_state = forest.random_state if isinstance(forest.random_state, (int, np.integer)) else None
    return vigil_model.write_model(
        path,
        name=name,
        trees=trees_of(forest),
        feature_names=feature_names,
        queries=queries,
        max_samples=forest.max_samples_,
        offset=forest.offset_,
        input_precision="float32",
        producer=f"scikit-learn {sklearn.__version__}",
        created_at=created_at,
        contamination=forest.contamination,
        random_state=random_state,
        max_features=max_features,
        join_labels=join_labels,
        step_seconds=step_seconds,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="pickled or joblib-dumped fitted IsolationForest")
    parser.add_argument("out", help="Vigil model file to write (.vmodel)")
    parser.add_argument("--name", required=True, help="model name in the store (usually the job name)")
    parser.add_argument("--feature-names", help="comma-separated; default feature_names_in_ or x0..xN")
    parser.add_argument("--queries", nargs="*", help="one PromQL query per feature, in order")
    args = parser.parse_args()
    try:
        import joblib
        forest = joblib.load(args.model)
    except ImportError:
        with open(args.model, "rb") as f:
            forest = pickle.load(f)
    names = args.feature_names.split(",") if args.feature_names else None
    header = convert(forest, args.out, name=args.name, feature_names=names, queries=args.queries)
    print(f"wrote {args.out}: {header['name']} {header['version']}, {header['hyper_parameters']['n_estimators']} trees")


if __name__ == "__main__":
    main()
