#!/usr/bin/env python3
"""Leave-one-data-set-out tuning of the log miner on ../shared/bench/loghub (standard library only).

For each of the eight data sets: choose the configuration (similarity threshold, freeze-after lines) with the best
mean GA + FGA on the other seven, then score the held-out one with it. Prints the held-out table and the
configuration chosen each time, next to the all-eight scores of the shipped defaults.

    dotnet build bench/Vigil.Logs.Benchmarks -c Release
    /usr/bin/python3 scripts/loghub-loo.py
"""
import itertools, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLL = os.path.join(ROOT, 'bench/Vigil.Logs.Benchmarks/bin/Release/net10.0/Vigil.Logs.Benchmarks.dll')
SCORER = os.path.join(ROOT, '../shared/bench/loghub/logscore.py')
DATASETS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'BGL', 'HPC', 'Thunderbird', 'Windows']
THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]
FREEZE = [4, 16, 64, 1000000]


def score(args, tmp):
    out = os.path.join(tmp, '_'.join(args).replace('=', ''))
    subprocess.run(['dotnet', DLL, 'loghub', out] + args, check=True)
    js = os.path.join(out, 'scores.json')
    subprocess.run([sys.executable, SCORER, out, '--datasets', 'DEV', '--json', js], check=True, stdout=subprocess.DEVNULL)
    with open(js) as f:
        return json.load(f)['datasets']


def main():
    with tempfile.TemporaryDirectory() as tmp:
        grid = {}
        for t, k in itertools.product(THRESHOLDS, FREEZE):
            grid[(t, k)] = score(['threshold=%s' % t, 'freeze=%s' % k], tmp)
        defaults = score([], tmp)
    print('%-12s %7s %7s %7s | %-20s %7s %7s %7s' % ('dataset', 'GA', 'FGA', 'PA', 'held-out choice', 'GA', 'FGA', 'PA'))
    sums = [0.0] * 6
    for held in DATASETS:
        train = [d for d in DATASETS if d != held]
        best = max(grid, key=lambda c: (sum(grid[c][d]['GA'] + grid[c][d]['FGA'] for d in train), c[0] == 0.9))
        h, a = grid[best][held], defaults[held]
        row = [a['GA'], a['FGA'], a['PA'], h['GA'], h['FGA'], h['PA']]
        sums = [s + v for s, v in zip(sums, row)]
        print('%-12s %7.4f %7.4f %7.4f | t=%-5s freeze=%-7s %7.4f %7.4f %7.4f' % (held, a['GA'], a['FGA'], a['PA'], best[0], best[1], h['GA'], h['FGA'], h['PA']))
    n = len(DATASETS)
    print('%-12s %7.4f %7.4f %7.4f | %-20s %7.4f %7.4f %7.4f' % ('AVG', *[s / n for s in sums[:3]], '', *[s / n for s in sums[3:]]))
    print()
    print('all eight, best configurations by mean GA + FGA:')
    for c in sorted(grid, key=lambda c: -sum(grid[c][d]['GA'] + grid[c][d]['FGA'] for d in DATASETS))[:6]:
        print('  t=%-5s freeze=%-7s GA %.4f FGA %.4f PA %.4f  min GA %.4f' % (c[0], c[1], *[sum(grid[c][d][m] for d in DATASETS) / n for m in ('GA', 'FGA', 'PA')], min(grid[c][d]['GA'] for d in DATASETS)))
    return
    print('%-12s %7.4f %7.4f %7.4f | %-20s %7.4f %7.4f %7.4f' % ('AVG', *[s / n for s in sums[:3]], '', *[s / n for s in sums[3:]]))


if __name__ == '__main__':
    main()
