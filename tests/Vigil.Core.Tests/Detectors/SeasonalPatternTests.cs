using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors;

public sealed class SeasonalPatternTests
{
    [Theory]
    [InlineData("holt_winters")]
    [InlineData("seasonal")]
    [InlineData("auto")]
    public void Observe_PeakValueAtTroughPhase_Alerts(string type)
    {
        // Three days of a daily sine, then the peak level (110) arrives at the trough phase (expected 90).
        var values = Synthetic.Daily(288 * 10, 100, 10, 0.5, seed: 6);
        var trough = (288 * 9) + 216; // sin(2π·216/288) = −1
        values[trough] = 110;

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        Assert.True(verdicts[trough].IsAnomaly, $"{type}: out-of-phase value scored {verdicts[trough].Score}");
        Assert.InRange(verdicts[trough].Expected, 85, 95);
    }

    [Theory]
    [InlineData("holt_winters")]
    [InlineData("seasonal")]
    [InlineData("auto")]
    public void Observe_RegularDailyPattern_RarelyAlertsAfterLearning(string type)
    {
        var values = Synthetic.Daily(288 * 10, 100, 10, 0.5, seed: 7);

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        var alerts = verdicts.Skip(288 * 3).Count(v => v.IsAnomaly);
        Assert.True(alerts <= 5, $"{type}: {alerts} alerts on a clean daily pattern");
    }

    [Fact]
    public void HoltWinters_DailyPattern_DetectsSeasonByAutocorrelation()
    {
        var values = Synthetic.Daily(700, 100, 10, 0.5, seed: 8);

        var season = Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(values.AsSpan(0, 600), 0.3);

        Assert.InRange(season, 286, 290);
    }

    [Fact]
    public void SeasonLength_AfterALongerSearchLeftItsScratchDirty_FindsTheSameSeason()
    {
        // The residuals and autocorrelations are rented: what an earlier search left in them must not matter.
        var daily = Synthetic.Daily(700, 100, 10, 0.5, seed: 8).AsSpan(0, 600).ToArray();
        var first = Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(daily, 0.3);
        var longer = Synthetic.Daily(2000, 50, 30, 2, seed: 3);
        Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(longer, 0.3);

        var again = Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(daily, 0.3);

        Assert.Equal((first, first), (again, Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(daily, 0.3)));
        Assert.InRange(first, 286, 290);
    }

    [Fact]
    public void SeasonLength_RepeatedSearch_AllocatesNothing()
    {
        // Once per series at its 600th point: at 100k series an allocated scratch was ≈ 0.7 GB of garbage per start.
        var daily = Synthetic.Daily(700, 100, 10, 0.5, seed: 8).AsSpan(0, 600).ToArray();
        Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(daily, 0.3);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(daily, 0.3);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void HoltWinters_NoiseOnly_DetectsNoSeason()
    {
        var values = Synthetic.Noise(600, 100, 1, seed: 9);

        Assert.Equal(1, Vigil.Core.Detectors.HoltWinters.SeasonLength.Detect(values, 0.3));
    }

    [Fact]
    public void Seasonal_DaylightSavingChange_KeepsLocalHourBuckets()
    {
        // Europe/Berlin switched to summer time on 2024-03-31 01:00 UTC: 09:00 local was 08:00 UTC before, 07:00 UTC after.
        var detector = (Vigil.Core.Detectors.Seasonal.SeasonalDetector)Synthetic.Create("seasonal", ("time_zone", "Europe/Berlin"));
        var series = (Vigil.Core.Detectors.Seasonal.SeasonalBaseline)((Vigil.Core.Detection.ContractSeries)detector.CreateSeries()).Baseline;
        var before = new DateTimeOffset(2024, 3, 30, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var after = new DateTimeOffset(2024, 4, 1, 7, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal(9, series.BucketOf(before));
        Assert.Equal(9, series.BucketOf(after));
    }

    [Fact]
    public void Seasonal_HourOfWeek_SeparatesSundayFromMonday()
    {
        var detector = Synthetic.Create("seasonal", ("profile", "hour_of_week"));
        var series = (Vigil.Core.Detectors.Seasonal.SeasonalBaseline)((Vigil.Core.Detection.ContractSeries)detector.CreateSeries()).Baseline;
        var sunday = new DateTimeOffset(2024, 3, 31, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var monday = new DateTimeOffset(2024, 4, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal(10, series.BucketOf(sunday));
        Assert.Equal(24 + 10, series.BucketOf(monday));
    }

    [Theory]
    [InlineData("Europe/Berlin", "hour_of_day")]
    [InlineData("America/St_Johns", "hour_of_week")]
    [InlineData("Australia/Lord_Howe", "hour_of_day")]
    [InlineData("Asia/Kolkata", "hour_of_week")]
    public void Seasonal_BucketCacheAcrossTransitions_MatchesPerHourLookup(string zoneId, string profile)
    {
        // The series caches the bucket span and the offset up to the next transition; a stream over two years (with
        // a backwards jump) must bucket exactly as looking the offset up at every UTC hour's start.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var weekly = profile == "hour_of_week";
        var series = (Vigil.Core.Detectors.Seasonal.SeasonalBaseline)((Vigil.Core.Detection.ContractSeries)Synthetic.Create("seasonal", ("time_zone", zoneId), ("profile", profile)).CreateSeries()).Baseline;
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long[] timestamps = [.. Enumerable.Range(0, 2 * 365 * 24 * 60 / 7).Select(i => start + (i * 7 * 60_000L)), start + 1_000, start - 3_600_000];

        foreach (var t in timestamps)
        {
            var utcHour = Math.DivRem(t, 3_600_000L, out var rem) - (rem < 0 ? 1 : 0);
            var offset = (long)zone.GetUtcOffset(DateTime.UnixEpoch.AddMilliseconds(utcHour * 3_600_000L)).TotalMilliseconds;
            var localHours = Math.DivRem(t + offset, 3_600_000L, out var localRem) - (localRem < 0 ? 1 : 0);
            var hourOfWeek = (int)((((localHours + 96) % 168) + 168) % 168);

            Assert.Equal(weekly ? hourOfWeek : hourOfWeek % 24, series.BucketOf(t));
        }
    }
}
