namespace Vigil.Backtesting.Nab;

/// <summary>NAB score of one detector under one profile.</summary>
public sealed record NabScore(string Profile, double Normalized, double Raw, double Threshold, int Windows, int Detected, int FalsePositives);

/// <summary>
/// C# port of the reference scorer <c>../shared/bench/nab/nabscore.py</c> (NAB's rules: Lavin &amp; Ahmad 2015),
/// so tests and parameter sweeps can score in-process. The Python scorer stays the reference for reported numbers;
/// <c>NabScorerTests</c> pins that both agree.
/// </summary>
public sealed class NabScorer
{
    private const double ProbationFraction = 0.15;
    private const int ProbationMaxRows = 750;
    private const double NothingThreshold = 1.1;
    private const double FarFp = 3.0;

    private readonly NabCorpus _corpus;
    private readonly FileTables[] _tables;
    private readonly int _labelWindows;

    public NabScorer(NabCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _corpus = corpus;
        _tables = [.. corpus.Files.Select(f => new FileTables(f))];
        _labelWindows = corpus.Files.Sum(f => f.Windows.Count);
    }

    public NabCorpus Corpus => _corpus;

    /// <summary>Scores every profile.</summary>
    /// <param name="scores">One array per <c>Corpus.Files</c> entry, one score in [0, 1] per row.</param>
    /// <param name="threshold">A fixed threshold (score ≥ threshold is a detection), or null to optimise per profile.</param>
    public IReadOnlyList<NabScore> Score(IReadOnlyList<double[]> scores, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count != _tables.Length)
        {
            throw new ArgumentException($"Expected {_tables.Length} score arrays, got {scores.Count}.", nameof(scores));
        }

        for (var f = 0; f < _tables.Length; f++)
        {
            if (scores[f].Length != _tables[f].N)
            {
                throw new ArgumentException($"{_corpus.Files[f].Key}: {scores[f].Length} scores for {_tables[f].N} rows.", nameof(scores));
            }
        }

        var results = new List<NabScore>(_corpus.Profiles.Count);
        (Point[] Points, bool[] Live)? points = threshold is null ? OrderedPoints(scores) : null;
        foreach (var profile in _corpus.Profiles)
        {
            var t = threshold ?? Optimise(points!.Value, profile).Threshold;
            double raw = 0;
            int windows = 0, detected = 0, fp = 0;
            for (var f = 0; f < _tables.Length; f++)
            {
                var r = _tables[f].ScoreAt(scores[f], profile, t);
                raw += r.Score;
                windows += r.Windows;
                detected += r.Detected;
                fp += r.Fp;
            }

            var nullScore = NullBaseline(profile);
            var perfect = profile.TpWeight * _labelWindows;
            var normalized = perfect != nullScore ? 100.0 * (raw - nullScore) / (perfect - nullScore) : double.NaN;
            results.Add(new NabScore(profile.Name, normalized, raw, t, windows, detected, fp));
        }

        return results;
    }

    internal static double Sigma(double x) => x > FarFp ? -1.0 : -Math.Tanh(2.5 * x);

    private double NullBaseline(NabProfile profile)
    {
        var constant = _tables.Select(t => Enumerable.Repeat(0.5, t.N).ToArray()).ToArray();
        return Optimise(OrderedPoints(constant), profile).Raw;
    }

    private (Point[] Points, bool[] Live) OrderedPoints(IReadOnlyList<double[]> scores)
    {
        var points = new List<Point>();
        var totalWindows = _tables.Sum(t => t.WindowCount);
        var live = new bool[totalWindows];
        var baseId = 0;
        for (var f = 0; f < _tables.Length; f++)
        {
            var t = _tables[f];
            for (var i = t.FirstScored; i < t.N; i++)
            {
                var w = t.Owner[i];
                points.Add(new Point(scores[f][i], w >= 0 ? baseId + w : -1, t.Value[i]));
            }

            foreach (var w in t.LiveWindows)
            {
                live[baseId + w] = true;
            }

            baseId += t.WindowCount;
        }

        var array = points.ToArray();
        // Stable order by descending score; ties are consumed together below, so their order does not matter.
        Array.Sort(array, static (a, b) => b.Score.CompareTo(a.Score));
        return (array, live);
    }

    private static (double Raw, double Threshold) Optimise((Point[] Points, bool[] Live) data, NabProfile profile)
    {
        var (points, live) = data;
        var nLive = live.Count(l => l);
        var best = new double?[live.Length];
        var winTotal = -profile.FnWeight * nLive;
        var fpTotal = 0.0;
        var top = points.Length > 0 ? points[0].Score : 0.0;
        var nothing = top < NothingThreshold ? NothingThreshold : top + 1.0;
        var bestScore = winTotal + fpTotal;
        var bestThreshold = nothing;
        var k = 0;
        while (k < points.Length)
        {
            var level = points[k].Score;
            while (k < points.Length && points[k].Score == level)
            {
                var p = points[k];
                if (p.Window < 0)
                {
                    fpTotal += profile.FpWeight * p.Value;
                }
                else
                {
                    var v = profile.TpWeight * p.Value;
                    var old = best[p.Window];
                    if (old is null)
                    {
                        best[p.Window] = v;
                        winTotal += v + profile.FnWeight;
                    }
                    else if (v > old.Value)
                    {
                        best[p.Window] = v;
                        winTotal += v - old.Value;
                    }
                }

                k++;
            }

            var total = winTotal + fpTotal;
            if (total > bestScore)
            {
                bestScore = total;
                bestThreshold = level;
            }
        }

        return (bestScore, bestThreshold);
    }

    private readonly record struct Point(double Score, int Window, double Value);

    private sealed class FileTables
    {
        public FileTables(NabFile file)
        {
            N = file.Data.Count;
            WindowCount = file.Windows.Count;
            FirstScored = (int)Math.Min(Math.Floor(ProbationFraction * N), ProbationMaxRows);
            Owner = new int[N];
            Value = new double[N];
            var sigmaLeft = Sigma(-1.0);
            var w = 0;
            (int A, int B)? prev = null;
            var windows = file.Windows;
            for (var i = 0; i < N; i++)
            {
                while (w < windows.Count && windows[w].End < i)
                {
                    prev = windows[w];
                    w++;
                }

                if (w < windows.Count && windows[w].Start <= i)
                {
                    var (a, b) = windows[w];
                    var width = b - a + 1;
                    Owner[i] = w;
                    Value[i] = Sigma(-(b - i + 1) / (double)width) / sigmaLeft;
                }
                else
                {
                    Owner[i] = -1;
                    if (prev is null)
                    {
                        Value[i] = -1.0;
                    }
                    else
                    {
                        var (a, b) = prev.Value;
                        var span = b - a;
                        Value[i] = span == 0 ? -1.0 : Sigma((i - b) / (double)span);
                    }
                }
            }

            LiveWindows = [.. Owner.Skip(FirstScored).Where(o => o >= 0).Distinct().Order()];
        }

        public int N { get; }

        public int WindowCount { get; }

        public int FirstScored { get; }

        public int[] Owner { get; }

        public double[] Value { get; }

        public int[] LiveWindows { get; }

        public (double Score, int Windows, int Detected, int Fp) ScoreAt(double[] scores, NabProfile profile, double threshold)
        {
            var best = new Dictionary<int, double>();
            var fpSum = 0.0;
            var fpCount = 0;
            for (var i = FirstScored; i < N; i++)
            {
                if (scores[i] < threshold)
                {
                    continue;
                }

                var w = Owner[i];
                if (w < 0)
                {
                    fpSum += profile.FpWeight * Value[i];
                    fpCount++;
                }
                else
                {
                    var v = profile.TpWeight * Value[i];
                    if (!best.TryGetValue(w, out var old) || v > old)
                    {
                        best[w] = v;
                    }
                }
            }

            var winSum = 0.0;
            foreach (var w in LiveWindows)
            {
                winSum += best.TryGetValue(w, out var v) ? v : -profile.FnWeight;
            }

            return (winSum + fpSum, LiveWindows.Length, best.Count, fpCount);
        }
    }
}
