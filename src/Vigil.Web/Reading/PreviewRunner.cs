using Vigil.Backtesting;
using Vigil.Charts.Api;
using Vigil.Charts.Rendering;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Jobs;

namespace Vigil.Web.Reading;

/// <summary>The preview form's input, as typed (validated by <see cref="PreviewRunner"/>).</summary>
public sealed record PreviewRequest(string? Job, string? Series, string? Detector, string? Parameters, string? From, string? To);

/// <summary>What a detector would have done over a range: its verdicts drawn as a chart, and its episodes.</summary>
public sealed record PreviewResult(string Job, Labels Series, DetectorSpec Spec, DateTimeOffset From, DateTimeOffset To, int Points, int Scored, string ChartPngBase64, IReadOnlyList<Episode> Episodes, ChartOrigin Origin);

public sealed record PreviewModel(PreviewRequest Request, IReadOnlyList<string> Jobs, IReadOnlyList<string> Detectors, IReadOnlyList<string> SeriesOfJob, PreviewResult? Result, IReadOnlyList<string> Errors, TimeZoneInfo Zone);

/// <summary>
/// Runs a detector the job does not use over a series' history, the way <c>vigil backtest</c> does (the
/// <see cref="Backtester"/>, causal, one point at a time), so people see its band and episodes before changing the
/// configuration. The values come from the same place as the series chart (<see cref="SeriesChartSource"/>): the
/// recent history when it covers the range, else the job's source; nothing running is touched.
/// </summary>
internal sealed class PreviewRunner(SeriesChartSource charts, DetectorRegistry registry, IReadOnlyList<JobRunner> runners)
{
    public IReadOnlyList<string> Detectors => [.. registry.Types];

    /// <summary>The result, or the list of what is wrong with the request (field: message).</summary>
    public async Task<(PreviewResult? Result, IReadOnlyList<string> Errors)> RunAsync(PreviewRequest request, Labels series, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var runner = runners.FirstOrDefault(r => r.Name == request.Job);
        if (runner is null)
        {
            errors.Add($"job: choose one of {string.Join(", ", runners.Select(r => r.Name))}");
        }

        var spec = new DetectorSpec(string.IsNullOrWhiteSpace(request.Detector) ? "auto" : request.Detector.Trim(), ParseParameters(request.Parameters, errors));
        errors.AddRange(registry.Validate(spec).Select(e => $"detector.{e}"));
        DateTimeOffset? from = null, to = null;
        try
        {
            from = string.IsNullOrWhiteSpace(request.From) ? null : EventStore.Api.ApiParsing.ParseTime("from", request.From.Trim());
            to = string.IsNullOrWhiteSpace(request.To) ? null : EventStore.Api.ApiParsing.ParseTime("to", request.To.Trim());
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message.Split(" (Parameter", 2)[0]);
        }

        if (errors.Count > 0 || runner is null)
        {
            return (null, errors);
        }

        SeriesChart chart;
        try
        {
            chart = await charts.ReadAsync(runner.Name, series, from, to, cancellationToken).ConfigureAwait(false);
        }
        catch (ChartRequestException ex)
        {
            return (null, [ex.Message]);
        }

        var detector = registry.Create(spec);
        var verdicts = new List<BacktestVerdict>(chart.Points.Count);
        var backtester = new Backtester(detector)
        {
            OnChunkScored = (chunk, _) =>
            {
                verdicts.AddRange(chunk);
                return Task.CompletedTask;
            },
        };
        var step = runner.Options.EffectiveStep;
        var points = chart.Points;
        var first = DateTimeOffset.FromUnixTimeMilliseconds(points[0].TimestampMs);
        var last = DateTimeOffset.FromUnixTimeMilliseconds(points[^1].TimestampMs);
        // One chunk holding the whole range: the points are already in memory.
        await backtester.RunAsync((start, end, _, _) => Task.FromResult(Batch(chart.Series, points, start, end)), first, last, step, last - first + step, cancellationToken: cancellationToken).ConfigureAwait(false);

        var tracker = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var episodes = new List<Episode>();
        var scored = new List<ScoredChartPoint>(verdicts.Count);
        var scoredCount = 0;
        foreach (var v in verdicts)
        {
            scored.Add(new ScoredChartPoint(v.TimestampMs, v.Value, v.Verdict.Expected, v.Verdict.Lower, v.Verdict.Upper, v.Verdict.Kind == VerdictKind.Scored ? v.Verdict.Score : 0));
            scoredCount += v.Verdict.Kind == VerdictKind.Scored ? 1 : 0;
            if (tracker.Observe(v.TimestampMs, v.Value, v.Verdict) == EpisodeTransition.Ended)
            {
                episodes.Add(tracker.Current);
            }
        }

        if (tracker.IsOpen)
        {
            episodes.Add(tracker.Current);
        }

        var png = ChartRenderer.Render(ChartData.FromScored($"Preview: {spec.Type} on {runner.Name} {chart.Series}", chart.Series.ToString(), scored), new ChartImageOptions { Width = WebUiEndpoints.ChartWidth, Height = WebUiEndpoints.ChartHeight, Format = ChartFormat.Png });
        episodes.Reverse();
        return (new PreviewResult(runner.Name, chart.Series, spec, first, last, points.Count, scoredCount, Convert.ToBase64String(png), episodes, chart.Origin), []);
    }

    private static SeriesBatch Batch(Labels series, IReadOnlyList<ScoredChartPoint> points, DateTimeOffset start, DateTimeOffset end)
    {
        var builder = new SeriesBatch.Builder(points.Count);
        builder.BeginSeries(series);
        foreach (var p in points)
        {
            if (p.TimestampMs >= start.ToUnixTimeMilliseconds() && p.TimestampMs <= end.ToUnixTimeMilliseconds())
            {
                builder.Add(p.TimestampMs, p.Value);
            }
        }

        return builder.Build();
    }

    /// <summary><c>name=value</c> pairs separated by commas, spaces or new lines, as <c>vigil detect -p</c> takes them.</summary>
    private static Dictionary<string, string> ParseParameters(string? text, List<string> errors)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? string.Empty).Split([',', ' ', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add($"parameters: '{part}' must look like name=value");
                continue;
            }

            parameters[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return parameters;
    }
}
