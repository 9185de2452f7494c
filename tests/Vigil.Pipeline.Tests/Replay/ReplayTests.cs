using Vigil.Core.Detection;
using Vigil.Core.Detectors.RollingSigma;
using Vigil.Core.Sources;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace Vigil.Pipeline.Tests.Replay;

public sealed class ReplayTests
{
    [Fact]
    public async Task QueryRange_SameSeed_GivesIdenticalData()
    {
        var a = await Range(new ReplaySource(new ReplayDataset(7)), "replay_queue_depth");
        var b = await Range(new ReplaySource(new ReplayDataset(7)), "replay_queue_depth");
        var c = await Range(new ReplaySource(new ReplayDataset(8)), "replay_queue_depth");

        Assert.Equal(3, a.SeriesCount);
        Assert.Equal(a.GetValues(0).ToArray(), b.GetValues(0).ToArray());
        Assert.NotEqual(a.GetValues(0).ToArray(), c.GetValues(0).ToArray());
    }

    [Fact]
    public async Task QueryRange_Selector_FiltersByLabel()
    {
        var batch = await Range(new ReplaySource(new ReplayDataset(42)), "replay_http_requests_per_second{service=\"login\"}");

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal("login", batch.GetLabels(0).Get("service"));
    }

    [Theory]
    [InlineData("rate(replay_queue_depth[5m])")]
    [InlineData("{}")]
    [InlineData("sum by (x) (y)")]
    public async Task QueryRange_UnsupportedQuery_IsAClearSourceError(string query)
    {
        var ex = await Assert.ThrowsAsync<MetricSourceException>(() => Range(new ReplaySource(new ReplayDataset(42)), query));

        Assert.Equal("replay_query", ex.ErrorType);
    }

    [Fact]
    public async Task InjectedIncident_IsFlaggedByDefaultDetector_AndTheHourBeforeIsQuiet()
    {
        var incident = ReplayDataset.Incidents[0];
        var start = ReplayDataset.ClockStart - TimeSpan.FromHours(4);
        var end = ReplayDataset.ClockStart + incident.Start + incident.Duration;
        var batch = await new ReplaySource(new ReplayDataset(42)).QueryRangeAsync(
            $"{incident.Metric}{{service=\"{incident.Service}\"}}", start, end, TimeSpan.FromMinutes(1), CancellationToken.None);
        var series = new RollingSigmaDetector(new RollingSigmaOptions()).CreateSeries();
        var timestamps = batch.GetTimestamps(0);
        var values = batch.GetValues(0);
        var quietFrom = (ReplayDataset.ClockStart + incident.Start - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        var incidentFrom = (ReplayDataset.ClockStart + incident.Start).ToUnixTimeMilliseconds();
        int falseAlarms = 0, hits = 0;

        for (var i = 0; i < timestamps.Length; i++)
        {
            var verdict = series.Observe(timestamps[i], values[i]);
            if (timestamps[i] >= incidentFrom)
            {
                hits += verdict.IsAnomaly ? 1 : 0;
            }
            else if (timestamps[i] >= quietFrom)
            {
                falseAlarms += verdict.IsAnomaly ? 1 : 0;
            }
        }

        Assert.Equal(0, falseAlarms);
        Assert.True(hits > 0);
    }

    [Fact]
    public void EveryInjectedIncident_DefaultDetector_ScoresAboveOneForItsWholeDuration()
    {
        // The demo's promise under the detection contract: an incident keeps scoring above 1 while it lasts, so the
        // shipped `for:` rule and VigilSevereAnomaly can fire for it. A day of clean history, then one incident period.
        var dataset = new ReplayDataset(42);
        var detector = DetectorRegistry.CreateDefault().Create(new DetectorSpec("auto", new Dictionary<string, string>()));
        var step = TimeSpan.FromMinutes(1);
        foreach (var incident in ReplayDataset.Incidents)
        {
            var index = dataset.Match(ReplaySelector.Parse($"{incident.Metric}{{service=\"{incident.Service}\"}}")).Single();
            var series = detector.CreateSeries();
            var from = ReplayDataset.ClockStart + incident.Start;
            var to = from + incident.Duration;
            for (var t = ReplayDataset.Epoch; t < to; t += step)
            {
                var verdict = series.Observe(t.ToUnixTimeMilliseconds(), dataset.Value(index, t));
                if (t >= from)
                {
                    Assert.True(verdict.Score > 1, $"{incident.Metric}/{incident.Service} at {t:HH:mm}: score {verdict.Score} during the incident");
                }
                else if (t >= from - TimeSpan.FromHours(2))
                {
                    Assert.False(verdict.IsAnomaly, $"{incident.Metric}/{incident.Service} at {t:HH:mm}: false alarm before the incident");
                }
            }
        }
    }

    [Fact]
    public void AcceleratedClock_RunsSpeedTimesFaster()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sut = new AcceleratedTimeProvider(real, ReplayDataset.ClockStart, 60);

        real.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(ReplayDataset.ClockStart + TimeSpan.FromMinutes(2), sut.GetUtcNow());
    }

    private static Task<Core.Series.SeriesBatch> Range(ReplaySource source, string query)
        => source.QueryRangeAsync(query, ReplayDataset.ClockStart, ReplayDataset.ClockStart + TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), CancellationToken.None);
}
