#!/usr/bin/env python3
"""Synthetic scrape target for the scale benchmark: N gauges `scale_value{instance="host-<i/100>", series="<i>"}`.

Each series is a daily sine with its own phase plus deterministic noise, so a detector has something to learn; values
depend only on (series, minute), so repeated runs see the same data. Rendering 100k series takes ~0.2 s in CPython,
far below the scrape interval.
"""
import argparse
import http.server
import math
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--series", type=int, default=100_000)
    args = parser.parse_args()
    prefixes = [f'scale_value{{instance="host-{i // 100}",series="{i}"}} ' for i in range(args.series)]
    phases = [(i * 0.618033) % 1.0 * 2 * math.pi for i in range(args.series)]
    header = b"# HELP scale_value Synthetic gauge for the scale benchmark.\n# TYPE scale_value gauge\n"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            minute = int(time.time() // 60)
            day = 2 * math.pi * (minute % 1440) / 1440
            body = header + "".join(
                f"{p}{100 + 20 * math.sin(day + ph) + ((minute * 7919 + i * 104729) % 1000) / 250:.3f}\n"
                for i, (p, ph) in enumerate(zip(prefixes, phases))
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
