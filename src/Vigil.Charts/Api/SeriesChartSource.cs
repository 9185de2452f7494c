using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Charts.Rendering;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Prometheus;

namespace Vigil.Charts.Api;

/// <summary>Where a chart's points came from: the in-memory recent history, or the job's source re-scored by a fresh detector.</summary>
public enum ChartOrigin
{
    History,
    Rescored,
}

/// <summary>The points of one series of one job over a range, ready to draw.</summary>
public sealed record SeriesChart(string Job, Labels Series, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ScoredChartPoint> Points, ChartOrigin Origin);

/// <summary>
/// Finds the points of a job's series for a chart. The recent history (<see cref="IRecentHistory"/>) answers when it
/// covers the range; an older range is read from the job's own source (its query, at its step) and re-scored by a
/// fresh detector of the job's type, warmed on the <see cref="IDetector.HistoryPoints"/> steps before the range, the
/// way <c>vigil backtest</c> replays a job. Failures are <see cref="ChartRequestException"/> (bad or unknown input)
/// or <see cref="MetricSourceException"/> (the source failed).
/// </summary>
public sealed class SeriesChartSource(IRecentHistory history, RecentHistoryOptions historyOptions, IReadOnlyList<JobRunner> runners, IServiceProvider services)
{
    /// <summary>Series named in an ambiguity error, so the message stays readable with thousands of series.</summary>
    private const int SeriesListed = 10;

    /// <param name="job">The job's name, as in the configuration.</param>
    /// <param name="selector">Equality matchers; must match exactly one series of the job's recent history.</param>
    /// <param name="from">Start (inclusive); null: the oldest point the history holds.</param>
    /// <param name="to">End (inclusive); null: now on the job's data clock (the replay's accelerated clock for the demo).</param>
    /// <param name="cancellationToken">The request's.</param>
    public async Task<SeriesChart> ReadAsync(string job, Labels selector, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var runner = runners.FirstOrDefault(r => string.Equals(r.Name, job, StringComparison.Ordinal))
            ?? throw new ChartRequestException(404, $"job: no job '{job}' (jobs: {string.Join(", ", runners.Select(r => r.Name))})");
        var series = ResolveSeries(job, selector);

        var toMs = (to ?? runner.DataClock.GetUtcNow()).ToUnixTimeMilliseconds();
        var held = history.Query(job, series, long.MinValue, toMs);
        var fromMs = from?.ToUnixTimeMilliseconds() ?? (held.Count > 0 ? held[0].TimestampMs : toMs - (long)historyOptions.Retention.TotalMilliseconds);
        if (fromMs > toMs)
        {
            throw new ChartRequestException("from: must not be after to");
        }

        if (fromMs == toMs)
        {
            throw new ChartRequestException("from/to: the range is empty (from equals to)");
        }

        var stepMs = (long)runner.Options.EffectiveStep.TotalMilliseconds;
        var covered = held.Count > 0 && held[0].TimestampMs <= fromMs + stepMs;
        IReadOnlyList<ScoredChartPoint> points;
        ChartOrigin origin;
        if (!covered && SourceOf(runner) is { } source)
        {
            points = await RescoreAsync(runner, source, series, fromMs, toMs, cancellationToken).ConfigureAwait(false);
            origin = ChartOrigin.Rescored;
        }
        else
        {
            points = [.. held.Where(p => p.TimestampMs >= fromMs).Select(p => new ScoredChartPoint(p.TimestampMs, p.Value, p.Expected, p.Lower, p.Upper, p.Score))];
            origin = ChartOrigin.History;
        }

        if (points.Count == 0)
        {
            throw new ChartRequestException(404, $"from/to: series {series} of job '{job}' has no points from {Format(fromMs)} to {Format(toMs)}"
                + (held.Count > 0 ? $" (the recent history holds {Format(held[0].TimestampMs)} to {Format(held[^1].TimestampMs)})" : string.Empty));
        }

        return new SeriesChart(job, series, DateTimeOffset.FromUnixTimeMilliseconds(fromMs), DateTimeOffset.FromUnixTimeMilliseconds(toMs), points, origin);
    }

    /// <summary>
    /// The one series the selector names. Several matches are refused (400, listing some) rather than drawn
    /// together or picked arbitrarily: a chart has one band, and a silently chosen series would mislead.
    /// </summary>
    private Labels ResolveSeries(string job, Labels selector)
    {
        var all = history.Series(job);
        var matches = all.Where(s => Matches(s, selector)).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ChartRequestException(404, $"series: no series of job '{job}' in the recent history matches {selector}"
                + (all.Count == 0 ? " (the job has no history yet)" : string.Create(CultureInfo.InvariantCulture, $" ({all.Count} series, e.g. {string.Join(", ", all.Take(3))})"))),
            _ => throw new ChartRequestException(string.Create(CultureInfo.InvariantCulture, $"series: {selector} matches {matches.Count} series of job '{job}'; a chart draws one, add labels to name it: {string.Join(", ", matches.Take(SeriesListed))}{(matches.Count > SeriesListed ? ", ..." : string.Empty)}")),
        };
    }

    internal static bool Matches(Labels series, Labels selector)
    {
        foreach (var matcher in selector)
        {
            if (!string.Equals(series.Get(matcher.Name), matcher.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The source the job itself reads (so a re-score sees the data live scoring saw); null when it cannot be re-scored.</summary>
    private IMetricSource? SourceOf(JobRunner runner)
    {
        // Joined feature queries (multivariate models) are not re-scored: the chart would need the joined rows.
        if (runner.Options.Features is not null || runner.Detector.FeatureCount != 1)
        {
            return null;
        }

        return runner.Options.Source switch
        {
            JobSource.Replay => services.GetService<ReplaySource>(),
            _ => services.GetService<PrometheusClient>(),
        };
    }

    private static async Task<IReadOnlyList<ScoredChartPoint>> RescoreAsync(JobRunner runner, IMetricSource source, Labels series, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var step = runner.Options.EffectiveStep;
        var stepMs = (long)step.TotalMilliseconds;

        // Aligned down to the step, as live ranges are, so the re-scored timestamps are the live ones.
        var startMs = (fromMs - (runner.Detector.HistoryPoints * stepMs)) / stepMs * stepMs;
        var steps = ((toMs - startMs) / stepMs) + 1;
        if (steps > PrometheusLimits.MaxPointsPerSeries)
        {
            var most = TimeSpan.FromMilliseconds((PrometheusLimits.MaxPointsPerSeries - runner.Detector.HistoryPoints - 1) * stepMs);
            throw new ChartRequestException(string.Create(CultureInfo.InvariantCulture,
                $"from/to: older than the recent history, so re-scored from the source: at most {PrometheusLimits.MaxPointsPerSeries} steps of {step} including {runner.Detector.HistoryPoints} warm-up steps, i.e. a range of at most {most}"));
        }

        var batch = await source.QueryRangeAsync(runner.Options.Query, DateTimeOffset.FromUnixTimeMilliseconds(startMs), DateTimeOffset.FromUnixTimeMilliseconds(toMs), step, cancellationToken).ConfigureAwait(false);
        var points = new List<ScoredChartPoint>();
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var returned = batch.GetLabels(i);
            var id = runner.Options.Labels is { } allow ? returned.Keep(allow) : returned;
            if (!id.Equals(series))
            {
                continue;
            }

            var detector = runner.Detector.CreateSeries();
            var timestamps = batch.GetTimestamps(i);
            var values = batch.GetValues(i);
            for (var k = 0; k < timestamps.Length; k++)
            {
                var value = values[k];
                if (!double.IsFinite(value))
                {
                    continue; // neither scored nor learned, as live
                }

                var verdict = detector.Observe(timestamps[k], new ReadOnlySpan<double>(in value));
                if (timestamps[k] >= fromMs && verdict.Kind != VerdictKind.Invalid)
                {
                    points.Add(new ScoredChartPoint(timestamps[k], value, verdict.Expected, verdict.Lower, verdict.Upper, verdict.Kind == VerdictKind.Scored ? verdict.Score : 0));
                }
            }

            break;
        }

        return points;
    }

    private static string Format(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
