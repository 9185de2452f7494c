"""Writes Vigil model files (format_version 1) from Python. See docs/models.md for the layout.

Layout: b"VIGILMDL" | int32 LE header length | UTF-8 JSON header | body
body:   int32 tree count, then per tree: int32 n, int32[n] feature, float64[n] threshold,
        int32[n] children_left, int32[n] children_right, int32[n] n_node_samples (all little-endian).
"""
import datetime as _dt
import hashlib
import json
import os
import struct
import tempfile

import numpy as np

FORMAT_VERSION = 1
KIND = "isolation_forest"
ENCODING = "vigil-trees-le-v1"
MAGIC = b"VIGILMDL"


def encode_body(trees):
    """trees: list of dicts with feature, threshold, left, right, n_node_samples (global feature indices)."""
    parts = [struct.pack("<i", len(trees))]
    for t in trees:
        n = len(t["feature"])
        parts.append(struct.pack("<i", n))
        parts.append(np.asarray(t["feature"], dtype="<i4").tobytes())
        parts.append(np.asarray(t["threshold"], dtype="<f8").tobytes())
        parts.append(np.asarray(t["left"], dtype="<i4").tobytes())
        parts.append(np.asarray(t["right"], dtype="<i4").tobytes())
        parts.append(np.asarray(t["n_node_samples"], dtype="<i4").tobytes())
    return b"".join(parts)


def write_model(path, *, name, trees, feature_names, max_samples, offset, input_precision,
                producer, created_at=None, queries=None, scaling=None, contamination=None,
                random_state=None, max_features=1.0, join_labels=(), step_seconds=0.0,
                training=None, validation=None):
    """Writes atomically (temp file in the same directory, fsync, rename) and returns the header."""
    created_at = created_at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    body = encode_body(trees)
    sha = hashlib.sha256(body).hexdigest()
    scaling = scaling or [("none", 0.0, 1.0)] * len(feature_names)
    queries = queries or [""] * len(feature_names)
    header = {
        "format_version": FORMAT_VERSION,
        "kind": KIND,
        "name": name,
        "version": created_at.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + sha[:8],
        "created_at": created_at.isoformat(),
        "producer": producer,
        "hyper_parameters": {
            "n_estimators": len(trees),
            "max_samples": int(max_samples),
            "max_features": float(max_features),
            "contamination": None if contamination in (None, "auto") else float(contamination),
            "random_state": None if random_state is None else int(random_state),
            "input_precision": input_precision,
        },
        "offset": float(offset),
        "features": [
            {"name": str(n), "query": q, "scaling": s[0], "center": float(s[1]), "scale": float(s[2])}
            for n, q, s in zip(feature_names, queries, scaling)
        ],
        "join_labels": list(join_labels),
        "step_seconds": float(step_seconds),
        "training": training,
        "validation": validation or {},
        "body": {"encoding": ENCODING, "length": len(body), "sha256": sha, "trees": len(trees)},
    }
    head = json.dumps(header, indent=2).encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + struct.pack("<i", len(head)) + head + body)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; model files are read by the service user
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return header
