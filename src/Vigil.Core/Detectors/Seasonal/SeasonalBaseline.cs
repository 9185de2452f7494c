using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Seasonal;

/// <summary>
/// State: per bucket a mean, a variance and a count (24 bytes each): 576 bytes for hour-of-day, 4 KB for hour-of-week,
/// plus ~50 bytes of caches. The UTC offset applies per UTC hour (as looked up at the hour's start); nearly every zone
/// changes offset on a whole UTC hour, and the few that switch on a half hour (e.g. America/St_Johns) bucket at most
/// 30 minutes a year one hour off.
/// <para>
/// Per point the bucket is two comparisons: the UTC span of the current bucket is cached, and the offset is cached for
/// a run of UTC hours up to the next transition (found by probing a day ahead, so a lookup costs about two
/// <see cref="TimeZoneInfo.GetUtcOffset(DateTime)"/> calls per day instead of one per hour).
/// </para>
/// </summary>
internal sealed class SeasonalBaseline : IBaseline
{
    private const long HourMs = 3_600_000;
    private const long ProbeHours = 24;

    private readonly TimeZoneInfo _zone;
    private readonly double _alpha;
    private readonly double _rangeFloor;
    private readonly long _minBucketPoints;

    // Counts from which Math.Max(alpha, 1 / count) is alpha: the per-point division is then skipped, bit for bit.
    private readonly long _alphaCount;
    private readonly Bucket[] _buckets;
    private RangeTracker _range;

    // [_spanStartMs, _spanEndMs) in UTC maps to _spanBucket (one local hour under one offset).
    private long _spanStartMs = long.MaxValue;
    private long _spanEndMs = long.MinValue;
    private int _spanBucket;

    // UTC hours [_offsetFromHour, _offsetToHour) all start at offset _offsetMs.
    private long _offsetFromHour = long.MaxValue;
    private long _offsetToHour = long.MinValue;
    private long _offsetMs;

    public SeasonalBaseline(SeasonalOptions options)
    {
        _zone = options.TimeZone;
        _alpha = options.Alpha;
        _rangeFloor = options.RangeFloor;
        _minBucketPoints = options.MinBucketPoints;
        var alphaCount = Math.Max(1L, (long)Math.Floor(1 / options.Alpha) - 1);
        while (1.0 / alphaCount > options.Alpha)
        {
            alphaCount++;
        }

        _alphaCount = alphaCount;
        _buckets = new Bucket[options.Profile == SeasonalProfile.HourOfWeek ? 168 : 24];
    }

    public string Name => SeasonalDetectorFactory.TypeName;

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        ref var bucket = ref _buckets[BucketOf(timestampMs)];
        if (bucket.Count < _minBucketPoints)
        {
            prediction = Prediction.None(bucket.Count == 0 ? double.NaN : bucket.Mean);
            return false;
        }

        prediction = Prediction.Symmetric(bucket.Mean, _range.Floor(Math.Sqrt(bucket.Variance), _rangeFloor));
        return true;
    }

    public void Learn(long timestampMs, double value, double weight = 1)
    {
        ref var bucket = ref _buckets[BucketOf(timestampMs)];
        var count = bucket.Count + 1;
        var mean = bucket.Mean;
        _range.Add(value);
        bucket.Count = count;
        var alpha = count >= _alphaCount ? _alpha : Math.Max(_alpha, 1.0 / count);
        var diff = value - mean;
        var increment = alpha * diff;
        bucket.Mean = mean + increment;
        bucket.Variance = (1 - alpha) * (bucket.Variance + (diff * increment));
    }

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        // The profile's shape stays; every bucket moves by the median deviation of the recent points.
        var shift = MedianOfFinite(residuals);
        if (double.IsNaN(shift))
        {
            return;
        }

        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Mean += shift;
        }
    }

    internal static double MedianOfFinite(ReadOnlySpan<double> values)
    {
        Span<double> finite = stackalloc double[values.Length];
        var n = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                finite[n++] = v;
            }
        }

        if (n == 0)
        {
            return double.NaN;
        }

        finite = finite[..n];
        finite.Sort();
        return n % 2 == 1 ? finite[n / 2] : 0.5 * (finite[(n / 2) - 1] + finite[n / 2]);
    }

    /// <summary>Local hour of day (0–23) or of week (0 = Sunday 00:00 local) for a UTC timestamp.</summary>
    internal int BucketOf(long timestampMs)
    {
        if (timestampMs >= _spanStartMs && timestampMs < _spanEndMs)
        {
            return _spanBucket;
        }

        return LocateBucket(timestampMs);
    }

    private int LocateBucket(long timestampMs)
    {
        var utcHour = FloorDiv(timestampMs, HourMs);
        var offsetMs = OffsetOfHour(utcHour);
        var localHours = FloorDiv(timestampMs + offsetMs, HourMs);

        // The bucket holds while both the UTC hour (its offset) and the local hour stay the same.
        _spanStartMs = Math.Max(utcHour * HourMs, (localHours * HourMs) - offsetMs);
        _spanEndMs = Math.Min((utcHour + 1) * HourMs, ((localHours + 1) * HourMs) - offsetMs);

        // 1970-01-01 was a Thursday: shift by 4 days so bucket 0 is Sunday 00:00.
        var hourOfWeek = (int)((((localHours + (4 * 24)) % 168) + 168) % 168);
        _spanBucket = _buckets.Length == 24 ? hourOfWeek % 24 : hourOfWeek;
        return _spanBucket;
    }

    private long OffsetOfHour(long utcHour)
    {
        if (utcHour >= _offsetFromHour && utcHour < _offsetToHour)
        {
            return _offsetMs;
        }

        var offset = LookUp(utcHour);
        var to = utcHour + ProbeHours;
        if (LookUp(to) != offset)
        {
            // A transition within the day: find the first hour with another offset (zones change at most once a day).
            long same = utcHour, other = to;
            while (other - same > 1)
            {
                var mid = same + ((other - same) / 2);
                if (LookUp(mid) == offset)
                {
                    same = mid;
                }
                else
                {
                    other = mid;
                }
            }

            to = other;
        }

        _offsetFromHour = utcHour;
        _offsetToHour = to;
        _offsetMs = offset;
        return offset;
    }

    private long LookUp(long utcHour)
        => (long)_zone.GetUtcOffset(DateTime.UnixEpoch.AddMilliseconds(utcHour * HourMs)).TotalMilliseconds;

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var rem);
        return rem < 0 ? quotient - 1 : quotient;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write((byte)_buckets.Length);

        // Layout unchanged from the three-array version: means, variances, counts.
        writer.Write(_buckets.Length);
        foreach (var b in _buckets)
        {
            writer.Write(b.Mean);
        }

        writer.Write(_buckets.Length);
        foreach (var b in _buckets)
        {
            writer.Write(b.Variance);
        }

        foreach (var b in _buckets)
        {
            writer.Write(b.Count);
        }

        _range.Write(writer);
    }

    public void Read(BinaryReader reader)
    {
        if (reader.ReadByte() != _buckets.Length)
        {
            throw new InvalidDataException("seasonal: state was written for another profile.");
        }

        Span<double> values = stackalloc double[_buckets.Length];
        StateFormat.ReadArray(reader, values, SeasonalDetectorFactory.TypeName);
        for (var i = 0; i < values.Length; i++)
        {
            _buckets[i].Mean = values[i];
        }

        StateFormat.ReadArray(reader, values, SeasonalDetectorFactory.TypeName);
        for (var i = 0; i < values.Length; i++)
        {
            _buckets[i].Variance = values[i];
        }

        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Count = reader.ReadInt64();
        }

        _range.Read(reader);
    }

    private struct Bucket
    {
        public double Mean;
        public double Variance;
        public long Count;
    }
}
