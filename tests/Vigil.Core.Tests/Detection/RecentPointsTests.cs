using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The compact ring (issue 15: no timestamps while they are evenly spaced, else 32-bit offsets, bit flags, grown on demand) returns exactly the points a plain
/// list of the last <see cref="RecentPoints.Capacity"/> points would, across re-basing and gaps wider than 32 bits of
/// milliseconds, and writes the same bytes as the 64-bit layout it replaced.
/// </summary>
public sealed class RecentPointsTests
{
    private const long MinuteMs = 60_000;
    private const long Int32SpanMs = 1L << 32; // wider than any 32-bit offset: 49.7 days

    private sealed record Point(long Ts, double Value, float Residual, bool Excluded);

    private static void Add(RecentPoints ring, List<Point> model, long ts, double value, double residual, bool excluded)
    {
        ring.Add(ts, value, residual, excluded);
        model.Add(new Point(ts, value, (float)residual, excluded));
        if (model.Count > RecentPoints.Capacity)
        {
            model.RemoveAt(0);
        }
    }

    // The 64-bit layout the state format has always had: count, then per point int64, double, float, bool, oldest first.
    private static byte[] Expected(List<Point> model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(model.Count);
            foreach (var p in model)
            {
                writer.Write(p.Ts);
                writer.Write(p.Value);
                writer.Write(p.Residual);
                writer.Write(p.Excluded);
            }
        }

        return stream.ToArray();
    }

    private static byte[] Written(RecentPoints ring)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            ring.Write(writer);
        }

        return stream.ToArray();
    }

    private static void AssertSame(RecentPoints ring, List<Point> model, string context)
    {
        Assert.True(model.Count == ring.Count, $"{context}: count {ring.Count}, expected {model.Count}");
        Assert.True(Expected(model).AsSpan().SequenceEqual(Written(ring)), $"{context}: written points differ");

        var n = ring.Since(long.MinValue);
        Assert.Equal(model.Count, n);
        var ts = new long[n];
        var values = new double[n];
        var residuals = new double[n];
        ring.CopySince(long.MinValue, ts, values, residuals);
        Assert.Equal(model.Select(p => p.Ts), ts);
        Assert.Equal(model.Select(p => p.Value), values);
        Assert.Equal(model.Select(p => (double)p.Residual), residuals);

        var excluded = model.Where(p => p.Excluded).ToList();
        var m = ring.Excluded(long.MinValue, long.MaxValue);
        Assert.Equal(excluded.Count, m);
        var exTs = new long[m];
        var exValues = new double[m];
        ring.CopyExcluded(long.MinValue, long.MaxValue, exTs, exValues);
        Assert.Equal(excluded.Select(p => p.Ts), exTs);
        Assert.Equal(excluded.Select(p => p.Value), exValues);

        if (model.Count > 0)
        {
            var middle = model[model.Count / 2].Ts;
            Assert.Equal(model.Count(p => p.Ts >= middle), ring.Since(middle));
            Assert.True(ring.Overlaps(middle, middle), $"{context}: misses the point at {middle}");
        }
    }

    [Fact]
    public void Add_DecimalsAsAnExporterWritesThem_StoresScaledIntegersAndReturnsEveryValueBitForBit()
    {
        // A gauge written with three decimals (the scale benchmark's exporter), parsed from its text as Prometheus' JSON
        // gives it: every value is k / 1000 exactly, so the ring keeps 8 bytes a point.
        var random = new Random(7);
        var ring = new RecentPoints();
        var model = new List<Point>();
        for (var i = 0; i < 2 * RecentPoints.Capacity; i++)
        {
            var text = (100 + (20 * Math.Sin(i / 50.0)) + random.Next(1000) / 250.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
            Add(ring, model, 1_704_067_200_000 + (i * 30_000L), double.Parse(text, System.Globalization.CultureInfo.InvariantCulture), random.NextDouble() - 0.5, excluded: i % 9 == 0);
            AssertSame(ring, model, $"after point {i}");
        }

        Assert.Equal("scaled 3", ring.ValueForm);
    }

    [Fact]
    public void Add_MoreDecimalsLater_RescalesThePointsKeptExactly()
    {
        // Integers (a count), then halves, then two decimals, then six: the scale grows and every kept point still reads
        // back bit for bit (k·10^(d'−d) / 10^d' is the same correctly rounded quotient as k / 10^d).
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = 0L;
        double[] values = [3, -17, 2_000, 0.5, -12.25, 0.01, 123.456789, -0.000001, 7];
        string[] forms = ["scaled 0", "scaled 0", "scaled 0", "scaled 1", "scaled 2", "scaled 2", "scaled 6", "scaled 6", "scaled 6"];
        for (var i = 0; i < values.Length; i++)
        {
            Add(ring, model, t += MinuteMs, values[i], i, excluded: false);
            AssertSame(ring, model, $"after {values[i]}");
            Assert.True(forms[i] == ring.ValueForm, $"after {values[i]}: {ring.ValueForm}, expected {forms[i]}");
        }

        // 2,000 at seven decimals would need 2·10^10: past 32 bits, so the ring holds doubles from here.
        Add(ring, model, t += MinuteMs, 0.1234567, 0, excluded: false);
        AssertSame(ring, model, "after seven decimals beside 2,000,000");
        Assert.Equal("doubles", ring.ValueForm);
    }

    [Fact]
    public void Add_ValuesNoScaleHolds_KeepsDoublesUntilTheyLeaveThenScalesAgain()
    {
        // A rate's 17 digits, −0 (which 0 / 10^d is not), a count past 2^31 and 1e300: each is kept as a double, and
        // the ring goes back to 8 bytes a point once the last of them has left (checked every Capacity points).
        double[] odd = [1.0 / 3, -0.0, 3_000_000_000, 1e300, double.Epsilon];
        foreach (var value in odd)
        {
            var ring = new RecentPoints();
            var model = new List<Point>();
            var t = 0L;
            Add(ring, model, t += MinuteMs, 5, 0, excluded: false);
            Add(ring, model, t += MinuteMs, value, -1, excluded: true);
            AssertSame(ring, model, $"after {value}");
            Assert.Equal("doubles", ring.ValueForm);
            for (var i = 0; i < 2 * RecentPoints.Capacity; i++)
            {
                Add(ring, model, t += MinuteMs, i * 0.25, i, excluded: i % 3 == 0);
                AssertSame(ring, model, $"{value}, then point {i}");
            }

            Assert.Equal("scaled 2", ring.ValueForm);
        }
    }

    [Fact]
    public void Add_RandomDecimalsAndDoubles_MatchesAListOfTheLastCapacityPoints()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var ring = new RecentPoints();
            var model = new List<Point>();
            var t = 1_704_067_200_000L;
            for (var i = 0; i < 1000; i++)
            {
                // Mostly short decimals of every size, sometimes a full double or −0, stretches of each.
                var roll = random.Next(100);
                var value = roll < 70 ? Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(8)), random.Next(6))
                    : roll < 95 ? random.Next(-1000, 1000) : roll < 98 ? random.NextDouble() : -0.0;
                Add(ring, model, t += MinuteMs, value, random.NextDouble(), random.Next(4) == 0);
                AssertSame(ring, model, $"seed {seed}, point {i} ({value})");
            }
        }
    }

    [Fact]
    public void Add_MoreThanCapacity_KeepsTheNewestPointsOldestFirst()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        for (var i = 0; i < 500; i++)
        {
            Add(ring, model, 1_704_067_200_000 + (i * MinuteMs), i * 1.5, -i * 0.25, excluded: i % 7 == 0);
            AssertSame(ring, model, $"after point {i}");
        }
    }

    [Fact]
    public void Add_GapWiderThan32BitMilliseconds_ReturnsEveryPointExactlyAndNarrowsAgain()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = 1_704_067_200_000L;
        for (var i = 0; i < 100; i++)
        {
            Add(ring, model, t += MinuteMs, i, 0, excluded: false);
        }

        // A gap of 50 days, then one of 100: the points before each gap no longer fit 32-bit offsets beside the new ones.
        Add(ring, model, t += Int32SpanMs + MinuteMs, -1, 0.5, excluded: true);
        AssertSame(ring, model, "after a 50-day gap");
        for (var i = 0; i < 50; i++)
        {
            Add(ring, model, t += MinuteMs, i, 0, excluded: i % 2 == 0);
            AssertSame(ring, model, $"after the 50-day gap, point {i}");
        }

        Add(ring, model, t += 2 * Int32SpanMs, -2, 0.5, excluded: false);
        AssertSame(ring, model, "after a 100-day gap");

        // Once the points before the gaps have left the ring, it goes on with exact points (32-bit offsets again).
        for (var i = 0; i < 3 * RecentPoints.Capacity; i++)
        {
            Add(ring, model, t += MinuteMs, i, i, excluded: i % 5 == 0);
            AssertSame(ring, model, $"after the gaps, point {i}");
        }
    }

    [Fact]
    public void Add_GapWithinTheRingRange_RebasesAndKeepsEveryPointExactly()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = 0L;
        for (var i = 0; i < 10; i++)
        {
            Add(ring, model, t += MinuteMs, i, 0, excluded: false);
        }

        // 20 days: past int.MaxValue ms from the first point's base, but within 32 bits of the others once re-based.
        Add(ring, model, t += 20L * 86_400_000, 10, 0, excluded: true);
        Add(ring, model, t += 20L * 86_400_000, 11, 0, excluded: false);
        AssertSame(ring, model, "after two 20-day gaps");
    }

    [Fact]
    public void Add_TimestampsAtTheEndsOfInt64_ReturnsThemExactly()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        Add(ring, model, long.MinValue, 1, 0, excluded: false);
        Add(ring, model, long.MinValue + 1, 2, 0, excluded: true);
        Add(ring, model, 0, 3, 0, excluded: false);
        Add(ring, model, long.MaxValue - 1, 4, 0, excluded: true);
        Add(ring, model, long.MaxValue, 5, 0, excluded: false);
        AssertSame(ring, model, "extreme timestamps");
    }

    [Fact]
    public void Add_RandomGapsAndFlags_MatchesAListOfTheLastCapacityPoints()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var ring = new RecentPoints();
            var model = new List<Point>();
            var t = random.NextInt64(-1L << 50, 1L << 50);
            for (var i = 0; i < 600; i++)
            {
                // Mostly minutes, sometimes days, now and then more than 32 bits of milliseconds.
                var roll = random.Next(100);
                t += roll < 90 ? MinuteMs : roll < 98 ? random.NextInt64(86_400_000, 30L * 86_400_000) : random.NextInt64(Int32SpanMs, 4 * Int32SpanMs);
                Add(ring, model, t, random.NextDouble(), random.NextDouble() - 0.5, random.Next(4) == 0);
                if (random.Next(50) == 0)
                {
                    var from = model[random.Next(model.Count)].Ts;
                    ring.ClearExcluded(from, long.MaxValue);
                    for (var j = 0; j < model.Count; j++)
                    {
                        model[j] = model[j].Ts >= from ? model[j] with { Excluded = false } : model[j];
                    }
                }

                AssertSame(ring, model, $"seed {seed}, point {i}");
            }
        }
    }

    [Fact]
    public void Add_EvenlySpacedPoints_KeepsNoTimestampsAtEveryFillLevelAndAcrossTheWrap()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        for (var i = 0; i < 3 * RecentPoints.Capacity; i++)
        {
            Add(ring, model, 1_704_067_200_000 + (i * 30_000L), Math.Sin(i), i * 0.1, excluded: i % 11 == 0);
            AssertSame(ring, model, $"after point {i}");
            Assert.Equal("regular", ring.TimestampForm);
        }
    }

    [Fact]
    public void Add_OnePointOffTheStep_StoresOffsetsUntilItLeavesThenIsRegularAgain()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = 1_704_067_200_000L;
        for (var i = 0; i < 50; i++)
        {
            Add(ring, model, t += MinuteMs, i, 0, excluded: false);
        }

        // A late point (a scrape 7 ms off the step), then the step again, then a missing step (a gap of two).
        Add(ring, model, t += MinuteMs + 7, -1, 0.5, excluded: true);
        Assert.Equal("offsets", ring.TimestampForm);
        AssertSame(ring, model, "after the late point");
        Add(ring, model, t += MinuteMs, 1, 0, excluded: false);
        Add(ring, model, t += 2 * MinuteMs, 2, 0, excluded: false);
        AssertSame(ring, model, "after the gap");

        for (var i = 0; i < 2 * RecentPoints.Capacity; i++)
        {
            Add(ring, model, t += MinuteMs, i, i, excluded: i % 5 == 0);
            AssertSame(ring, model, $"after the irregular points, point {i}");
        }

        Assert.Equal("regular", ring.TimestampForm);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(3_600_000L)]
    [InlineData(int.MaxValue / RecentPoints.Capacity)]
    [InlineData((int.MaxValue / RecentPoints.Capacity) + 1)]
    [InlineData(int.MaxValue / (RecentPoints.Capacity - 1))]
    [InlineData(86_400_000L)]
    public void Add_AnyStep_ReturnsEveryPointExactly(long step)
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = -5 * step;
        for (var i = 0; i < RecentPoints.Capacity + 20; i++)
        {
            Add(ring, model, t += step, i, -i, excluded: i % 3 == 0);
            AssertSame(ring, model, $"step {step}, point {i}");
        }

        // A step over a 192nd of 32 bits is not kept implicitly: its points would not fit 32-bit offsets if one came off
        // the step. Offsets while the ring's span fits 32 bits, full timestamps beyond (a daily step: 191 days).
        var form = step <= int.MaxValue / RecentPoints.Capacity ? "regular" : step * (RecentPoints.Capacity - 1) <= int.MaxValue ? "offsets" : "wide";
        Assert.Equal(form, ring.TimestampForm);
        Add(ring, model, t + 1, 0, 0, excluded: false);
        AssertSame(ring, model, $"step {step}, off the step");
    }

    [Fact]
    public void Add_MostlyRegularWithJitterGapsAndRestores_MatchesAListOfTheLastCapacityPoints()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var ring = new RecentPoints();
            var model = new List<Point>();
            var step = random.Next(1, 4) * 15_000L;
            var t = random.NextInt64(-1L << 50, 1L << 50);
            for (var i = 0; i < 800; i++)
            {
                // Mostly the step; now and then a missing step, a few milliseconds of jitter, a day or a 50-day gap.
                var roll = random.Next(400);
                t += roll < 385 ? step : roll < 392 ? 2 * step : roll < 397 ? step + random.Next(-9, 10) : roll < 399 ? 86_400_000 : 2 * Int32SpanMs;
                Add(ring, model, t, random.NextDouble(), random.NextDouble() - 0.5, random.Next(4) == 0);
                if (random.Next(100) == 0)
                {
                    // A state written and read back mid-way holds the same points in whatever form it rebuilds them.
                    var restored = new RecentPoints();
                    using var reader = new BinaryReader(new MemoryStream(Written(ring)));
                    restored.Read(reader, "auto");
                    ring = restored;
                }

                AssertSame(ring, model, $"seed {seed}, point {i}");
            }
        }
    }

    [Fact]
    public void Read_WrittenPoints_RestoresTheSamePoints()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        var t = 1_704_067_200_000L;
        for (var i = 0; i < 300; i++)
        {
            t += i == 250 ? 3 * Int32SpanMs : MinuteMs;
            Add(ring, model, t, i, -i, excluded: i % 3 == 0);
        }

        var restored = new RecentPoints();
        // A ring that held other points before (a state restored over a live series) keeps none of them.
        restored.Add(5, 5, 5, excluded: true);
        using var reader = new BinaryReader(new MemoryStream(Written(ring)));
        restored.Read(reader, "auto");

        AssertSame(restored, model, "restored");
    }

    [Fact]
    public void Read_EvenlySpacedPoints_RestoresThemWithoutTimestamps()
    {
        var ring = new RecentPoints();
        var model = new List<Point>();
        for (var i = 0; i < 250; i++)
        {
            Add(ring, model, 1_704_067_200_000 + (i * MinuteMs), i, -i, excluded: i % 4 == 0);
        }

        var restored = new RecentPoints();
        using var reader = new BinaryReader(new MemoryStream(Written(ring)));
        restored.Read(reader, "auto");

        AssertSame(restored, model, "restored");
        Assert.Equal("regular", restored.TimestampForm);
    }
}
