#!/usr/bin/env python3
"""Lines/s of Drain3 with the same masks as Vigil's miner, on the same 1 M-line Loghub mix (comparison only).

Drain3 is not a dependency and none of its code is in this repository: check out its v0.9.11 tag yourself
(the search tool's fetch of github:logpai/Drain3, then `git archive v0.9.11 drain3 | tar -x -C /tmp/drain3-0.9.11`),
install Debian's python3-jsonpickle and python3-cachetools, and run:

    PYTHONPATH=/tmp/drain3-0.9.11 /usr/bin/python3 bench/drain3/drain3_compare.py [--lines 1000000] [--accuracy out/]

Masks: one regular expression per token class of Vigil's scanners (URL, email, UUID, IPv4[:port], IPv6, paths,
timestamps, hex, durations, Kubernetes pod names, key=value values, numbers, and any other token holding a digit),
applied by Drain3's masker. Timing is process CPU time (time.process_time), as Vigil's `quick` mode reports.
"""
import argparse, csv, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '../../../shared/bench/loghub'))
import loghub_formats  # noqa: E402

from drain3 import TemplateMiner  # noqa: E402
from drain3.masking import MaskingInstruction  # noqa: E402
from drain3.template_miner_config import TemplateMinerConfig  # noqa: E402

B = r'(?<![^\s(\[{"\'<=,])'   # token start (after whitespace or opening punctuation)
E = r'(?=[\s)\]}"\'>,;:.]*(?:\s|$))'  # token end (before closing punctuation and whitespace)
MASKS = [
    ('URL', B + r'[A-Za-z][A-Za-z0-9+.-]*://\S+'),
    ('EMAIL', B + r'[\w.+-]+@[\w-]+\.[\w.-]+' + E),
    ('UUID', B + r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' + E),
    ('IP', B + r'\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?' + E),
    ('IP', B + r'[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}' + E),
    ('PATH', B + r'(?:/[^\s/][^\s]*|[A-Za-z]:\\\S*)'),
    ('TS', B + r'\d+(?:[-/:.,TZ+]\d*){2,}' + E),
    ('HEX', B + r'(?:0[xX][0-9a-fA-F]+|[0-9a-fA-F]{8,})' + E),
    ('DUR', B + r'\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))*' + E),
    ('POD', B + r'[a-z0-9.-]+-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}' + E),
    ('KV', r'(?<=[A-Za-z_][\w.-]=)[^\s)\],;]+'),
    ('NUM', B + r'[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?(?:\s+(?:[KMGTP]i?B|kB|B)\b)?' + E),
    ('ID', r'\S*\d\S*'),
]


def mix(n):
    contents = [loghub_formats.load_contents(d, os.path.join(loghub_formats.__file__.rsplit('/', 1)[0], 'data', d, d + '_2k.log'))
                for d in loghub_formats.DEV]
    return [contents[i % len(contents)][(i // len(contents)) % len(contents[i % len(contents)])] for i in range(n)]


def miner():
    config = TemplateMinerConfig()
    config.masking_instructions = [MaskingInstruction(p, name) for name, p in MASKS]
    config.profiling_enabled = False
    return TemplateMiner(config=config)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lines', type=int, default=1_000_000)
    ap.add_argument('--accuracy', help='also write Loghub predictions (one miner per data set) to this directory')
    a = ap.parse_args()
    lines = mix(a.lines)
    m = miner()
    t0 = time.process_time()
    for line in lines:
        m.add_log_message(line)
    cold = time.process_time() - t0
    t0 = time.process_time()
    for line in lines:
        m.add_log_message(line)
    warm = time.process_time() - t0
    print('Drain3 %s, %d lines, %d masks: cold %.0f lines/s, steady state %.0f lines/s (CPU time); %d clusters'
          % ('0.9.11', len(lines), len(MASKS), len(lines) / cold, len(lines) / warm, len(m.drain.clusters)))
    if a.accuracy:
        os.makedirs(a.accuracy, exist_ok=True)
        for d in loghub_formats.DEV:
            contents = loghub_formats.load_contents(d, os.path.join(os.path.dirname(loghub_formats.__file__), 'data', d, d + '_2k.log'))
            dm = miner()
            ids = [dm.add_log_message(c)['cluster_id'] for c in contents]
            templates = {c.cluster_id: c.get_template() for c in dm.drain.clusters}
            with open(os.path.join(a.accuracy, d + '.csv'), 'w', newline='') as f:
                w = csv.writer(f)
                w.writerow(['LineId', 'EventId'])
                for i, cid in enumerate(ids, 1):
                    w.writerow([i, 'C%d' % cid])


if __name__ == '__main__':
    main()
