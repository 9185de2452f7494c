namespace Vigil.Core.Detection;

/// <summary>
/// Applies <see cref="PolicyOptions"/> on top of any detector, so direction, deviation floors, valid range and
/// warm-up behave the same for every type and are implemented once.
/// </summary>
public sealed class PolicyDetector : IDetector
{
    public PolicyDetector(IDetector inner, PolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(policy);
        if (inner.FeatureCount != 1)
        {
            throw new ArgumentException("The per-query policy applies to univariate detectors only.", nameof(inner));
        }

        Inner = inner;
        Policy = policy;
    }

    public IDetector Inner { get; }

    public PolicyOptions Policy { get; }

    public string Type => Inner.Type;

    public int FeatureCount => 1;

    public int HistoryPoints => Inner.HistoryPoints + Policy.Warmup;

    public ISeriesDetector CreateSeries() => new PolicySeries(Inner.CreateSeries(), Policy);
}

internal sealed class PolicySeries : ISerializableSeriesDetector, ISeriesFeedback
{
    private const byte Version = 1;
    private readonly ISeriesDetector _inner;
    private readonly PolicyOptions _policy;
    private long _seen;

    public PolicySeries(ISeriesDetector inner, PolicyOptions policy)
    {
        _inner = inner;
        _policy = policy;
    }

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var value = features[0];
        if (!double.IsFinite(value))
        {
            return Verdict.Invalid;
        }

        if (value < _policy.RangeMin || value > _policy.RangeMax)
        {
            // Out-of-range values are reported with a fixed score and never reach the detector's state.
            return new Verdict(_policy.OutOfRangeScore, double.NaN, _policy.RangeMin, _policy.RangeMax, VerdictKind.Scored, _policy.OutOfRangeScore > 1 ? AnomalyTest.Range : AnomalyTest.None);
        }

        var verdict = _inner.Observe(timestampMs, features);
        if (verdict.Kind == VerdictKind.Invalid)
        {
            return verdict;
        }

        _seen++;
        if (_seen <= _policy.Warmup)
        {
            return Verdict.Warmup(verdict.Expected, verdict.Lower, verdict.Upper);
        }

        return verdict.Kind == VerdictKind.Scored ? Apply(verdict, value) : verdict;
    }

    private Verdict Apply(Verdict verdict, double value)
    {
        var expected = verdict.Expected;
        var lower = verdict.Lower;
        var upper = verdict.Upper;
        if (!double.IsFinite(expected))
        {
            return verdict;
        }

        var floor = Math.Max(_policy.MinAbsDeviation, _policy.MinRelDeviation * Math.Abs(expected));
        if (floor > 0 && (upper - expected < floor || expected - lower < floor))
        {
            // Widen the band to the floor and score on the widened band (the same exact edge rule as every detector).
            lower = Math.Min(lower, expected - floor);
            upper = Math.Max(upper, expected + floor);
        }

        // A side that must never alert has its edge at infinity, whatever the value: the band stays a prediction.
        if (_policy.Direction == Direction.Above)
        {
            lower = double.NegativeInfinity;
        }
        else if (_policy.Direction == Direction.Below)
        {
            upper = double.PositiveInfinity;
        }

        var score = ScoreMath.FromBand(value, expected, lower, upper);
        return new Verdict(score, expected, lower, upper, VerdictKind.Scored, score > 1 ? verdict.Test : AnomalyTest.None, verdict.Sigma);
    }

    public bool ApplyFeedback(FeedbackKind kind, long fromMs, long toMs)
        => _inner is ISeriesFeedback feedback && feedback.ApplyFeedback(kind, fromMs, toMs);

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        writer.Write(_seen);
        if (_inner is ISerializableSeriesDetector inner)
        {
            writer.Write(true);
            inner.WriteState(writer);
        }
        else
        {
            writer.Write(false);
        }
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, "policy");
        _seen = reader.ReadInt64();
        if (reader.ReadBoolean())
        {
            if (_inner is not ISerializableSeriesDetector inner)
            {
                throw new InvalidDataException("policy: state holds detector state but this detector cannot read it.");
            }

            inner.ReadState(reader);
        }
    }
}
