#!/usr/bin/env python3
"""The reference service of ../shared/reference/000_*.txt, built as that document describes it, for comparison only.

PrometheusClient (requests, timeout, error parsing) → ModelWrapper (a pickled scikit-learn IsolationForest, one
feature: the value) → MetricsExporter (prometheus_client: anomaly score per series, predictions, errors, latency,
last successful run), run by PredictionService.run_once every interval. It is run with Debian's python3 and its
python3-requests, python3-prometheus-client and python3-sklearn packages; it is not part of Vigil.

--train fits and pickles the model from one instant query; otherwise the service runs --cycles cycles and prints one
JSON line per cycle (wall and CPU seconds) and a final line with the peak RSS.
"""
import argparse
import json
import logging
import pickle
import resource
import time

import numpy as np
import requests
from prometheus_client import Counter, Gauge, Histogram, start_http_server
from sklearn.ensemble import IsolationForest


class PrometheusClient:
    def __init__(self, api_url: str, timeout: int = 10):
        self.query_url = f"{api_url.rstrip('/')}/api/v1/query"
        self.timeout = timeout

    def query(self, promql: str):
        try:
            response = requests.get(self.query_url, params={"query": promql}, timeout=self.timeout)
            response.raise_for_status()
            data = response.json()
            if data.get("status") != "success":
                raise ValueError(f"Prometheus query failed: {data.get('errorType')} - {data.get('error')}")
            return data["data"]["result"]
        except requests.exceptions.RequestException as e:
            raise ConnectionError(f"Failed to connect to Prometheus: {e}") from e


class ModelWrapper:
    def __init__(self, model_path: str):
        with open(model_path, "rb") as f:
            self._model = pickle.load(f)

    def predict(self, features):
        return self._model.predict(np.array(features))


class MetricsExporter:
    def __init__(self, label_names):
        self.anomaly_score = Gauge("anomaly_score", "1 normal, -1 anomalous", label_names)
        self.predictions_total = Counter("predictions_total", "Predictions made")
        self.errors_total = Counter("errors_total", "Errors", ["error_type"])
        self.prediction_latency = Histogram("prediction_latency_seconds", "Latency of one run")
        self.last_successful_run_timestamp = Gauge("last_successful_run_timestamp", "Last successful run")

    def report_anomaly_score(self, labels: dict, score: int):
        self.anomaly_score.labels(**labels).set(score)

    def increment_error(self, error_type: str):
        self.errors_total.labels(error_type=error_type).inc()

    def increment_prediction(self):
        self.predictions_total.inc()


class PredictionService:
    def __init__(self, client, model, exporter, query, label_names):
        self.client, self.model, self.exporter, self.query, self.label_names = client, model, exporter, query, label_names

    def run_once(self) -> int:
        with self.exporter.prediction_latency.time():
            try:
                time_series = self.client.query(self.query)
                if not time_series:
                    logging.warning("empty result")
                    return 0
                labels_list, features_list = [], []
                for ts in time_series:
                    metric = ts.get("metric", {})
                    labels_list.append({k: metric.get(k, "") for k in self.label_names})
                    features_list.append([float(ts["value"][1])])
                predictions = self.model.predict(features_list)
                for labels, prediction in zip(labels_list, predictions):
                    self.exporter.report_anomaly_score(labels, int(prediction))
                    self.exporter.increment_prediction()
                self.exporter.last_successful_run_timestamp.set_to_current_time()
                return len(time_series)
            except ConnectionError:
                self.exporter.increment_error(error_type="prometheus_query")
            except ValueError as e:
                logging.error("data error: %s", e)
                self.exporter.increment_error(error_type="data_processing")
            return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--query", default="scale_value")
    parser.add_argument("--model", required=True)
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--interval", type=float, default=30)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    client = PrometheusClient(args.prometheus, timeout=120)
    if args.train:
        values = [[float(ts["value"][1])] for ts in client.query(args.query)]
        model = IsolationForest(n_estimators=100, contamination=0.01, random_state=1).fit(values)
        with open(args.model, "wb") as f:
            pickle.dump(model, f)
        return
    label_names = ["instance", "series"]
    exporter = MetricsExporter(label_names)
    if args.port:
        start_http_server(args.port, addr="127.0.0.1")
    service = PredictionService(client, ModelWrapper(args.model), exporter, args.query, label_names)
    for cycle in range(args.cycles):
        started, cpu = time.monotonic(), time.process_time()
        n = service.run_once()
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        print(json.dumps({"cycle": cycle, "series": n, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}), flush=True)
        time.sleep(max(0.0, args.interval - wall))
    print(json.dumps({"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)


if __name__ == "__main__":
    main()
