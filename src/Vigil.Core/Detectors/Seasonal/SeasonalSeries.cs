using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Seasonal;

/// <summary>
/// State: per bucket a mean, a variance and a count (24 bytes each): 576 bytes for hour-of-day, 4 KB for hour-of-week,
/// plus a cached UTC offset. The offset is looked up once per UTC hour, so the per-point path is integer arithmetic;
/// nearly every zone changes offset on a whole UTC hour, and the few that switch on a half hour (e.g. America/St_Johns)
/// bucket at most 30 minutes a year one hour off.
/// </summary>
internal sealed class SeasonalSeries : ISerializableSeriesDetector
{
    private const byte Version = 1;
    private const long HourMs = 3_600_000;

    private readonly SeasonalOptions _options;
    private readonly double[] _mean;
    private readonly double[] _variance;
    private readonly long[] _count;
    private long _cachedUtcHour = long.MinValue;
    private long _cachedOffsetMs;
    private RangeTracker _range;

    public SeasonalSeries(SeasonalOptions options)
    {
        _options = options;
        var buckets = options.Profile == SeasonalProfile.HourOfWeek ? 168 : 24;
        _mean = new double[buckets];
        _variance = new double[buckets];
        _count = new long[buckets];
    }

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var value = features[0];
        if (!double.IsFinite(value))
        {
            return Verdict.Invalid;
        }

        var bucket = BucketOf(timestampMs);
        var count = _count[bucket];
        var mean = _mean[bucket];
        Verdict verdict;
        if (count < _options.MinBucketPoints)
        {
            verdict = count == 0 ? Verdict.Warmup() : Verdict.Warmup(mean);
        }
        else
        {
            var halfWidth = _options.K * _range.Floor(Math.Sqrt(_variance[bucket]), _options.RangeFloor);
            verdict = new Verdict(ScoreMath.FromDeviation(value - mean, halfWidth), mean, mean - halfWidth, mean + halfWidth, VerdictKind.Scored);
        }

        count++;
        _range.Add(value);
        _count[bucket] = count;
        var alpha = Math.Max(_options.Alpha, 1.0 / count);
        var diff = value - mean;
        var increment = alpha * diff;
        _mean[bucket] = mean + increment;
        _variance[bucket] = (1 - alpha) * (_variance[bucket] + (diff * increment));
        return verdict;
    }

    /// <summary>Local hour of day (0–23) or of week (0 = Sunday 00:00 local) for a UTC timestamp.</summary>
    internal int BucketOf(long timestampMs)
    {
        var utcHour = Math.DivRem(timestampMs, HourMs, out var rem);
        if (rem < 0)
        {
            utcHour--;
        }

        if (utcHour != _cachedUtcHour)
        {
            var utc = DateTime.UnixEpoch.AddMilliseconds(utcHour * HourMs);
            _cachedOffsetMs = (long)_options.TimeZone.GetUtcOffset(utc).TotalMilliseconds;
            _cachedUtcHour = utcHour;
        }

        var localMs = timestampMs + _cachedOffsetMs;
        var localHours = Math.DivRem(localMs, HourMs, out var localRem);
        if (localRem < 0)
        {
            localHours--;
        }

        // 1970-01-01 was a Thursday: shift by 4 days so bucket 0 is Sunday 00:00.
        var hourOfWeek = (int)(((localHours + (4 * 24)) % 168 + 168) % 168);
        return _mean.Length == 24 ? hourOfWeek % 24 : hourOfWeek;
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        writer.Write((byte)_mean.Length);
        StateFormat.WriteArray(writer, _mean);
        StateFormat.WriteArray(writer, _variance);
        foreach (var c in _count)
        {
            writer.Write(c);
        }

        _range.Write(writer);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, SeasonalDetectorFactory.TypeName);
        if (reader.ReadByte() != _mean.Length)
        {
            throw new InvalidDataException("seasonal: state was written for another profile.");
        }

        StateFormat.ReadArray(reader, _mean, SeasonalDetectorFactory.TypeName);
        StateFormat.ReadArray(reader, _variance, SeasonalDetectorFactory.TypeName);
        for (var i = 0; i < _count.Length; i++)
        {
            _count[i] = reader.ReadInt64();
        }

        _range.Read(reader);
    }
}
