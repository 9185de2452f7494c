using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Charts.Rendering;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.EventStore.Api;
using Vigil.Pipeline.Telemetry;
using Vigil.Postgres;
using Vigil.Postgres.Api;

namespace Vigil.Charts.Api;

/// <summary>
/// <c>GET /api/v1/charts/{job}</c> (a job's series, from the recent history or re-scored from its source) and
/// <c>GET /api/v1/metrics/{name}/chart</c> (a business metric from its table), as PNG or SVG (docs/charts.md).
/// Authentication is the host's: these are reads. Bad input is a 4xx with <c>{"error": "parameter: message"}</c>;
/// a failure on Vigil's side is a 5xx counted in <c>vigil_errors_total</c> (<c>chart_render</c>, or the source's type).
/// </summary>
public static class ChartEndpoints
{
    /// <summary>Default range of a business-metric chart when <c>from</c> is omitted, as <c>GET /api/v1/metrics/{name}</c>.</summary>
    public static readonly TimeSpan DefaultBusinessRange = TimeSpan.FromHours(3);

    public static IEndpointRouteBuilder MapChartsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/v1/charts/{job}", GetJobChartAsync);
        app.MapGet("/api/v1/metrics/{name}/chart", GetBusinessChartAsync);
        return app;
    }

    /// <summary>The parameters every chart takes: <c>from</c>, <c>to</c>, <c>format</c>, <c>width</c>, <c>height</c>, <c>tz</c>.</summary>
    public sealed record ChartQuery(DateTimeOffset? From, DateTimeOffset? To, ChartImageOptions Image);

    /// <summary>Parses the common parameters; every failure is a <see cref="ChartRequestException"/> naming the parameter.</summary>
    public static ChartQuery ParseQuery(IQueryCollection q, TimeZoneInfo defaultZone)
    {
        ArgumentNullException.ThrowIfNull(q);
        try
        {
            DateTimeOffset? from = q.TryGetValue("from", out var f) && f.ToString().Length > 0 ? ApiParsing.ParseTime("from", f.ToString()) : null;
            DateTimeOffset? to = q.TryGetValue("to", out var t) && t.ToString().Length > 0 ? ApiParsing.ParseTime("to", t.ToString()) : null;
            if (from is { } a && to is { } b && a > b)
            {
                throw new ChartRequestException("from: must not be after to");
            }

            var format = q.TryGetValue("format", out var fmt) ? fmt.ToString() : "png";
            var image = new ChartImageOptions
            {
                Width = Size(q, "width", ChartLimits.DefaultWidth),
                Height = Size(q, "height", ChartLimits.DefaultHeight),
                Format = format switch
                {
                    "png" or "" => ChartFormat.Png,
                    "svg" => ChartFormat.Svg,
                    _ => throw new ChartRequestException($"format: must be png or svg, got '{format}'"),
                },
                TimeZone = q.TryGetValue("tz", out var tz) && tz.ToString().Length > 0 ? Zone(tz.ToString()) : defaultZone,
            };
            if (image.Validate() is { Count: > 0 } errors)
            {
                throw new ChartRequestException(string.Join("; ", errors));
            }

            return new ChartQuery(from, to, image);
        }
        catch (ArgumentException ex)
        {
            throw new ChartRequestException(ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static int Size(IQueryCollection q, string name, int fallback)
    {
        if (!q.TryGetValue(name, out var text) || text.ToString().Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ChartRequestException(string.Create(CultureInfo.InvariantCulture, $"{name}: must be a whole number of pixels from {(name == "width" ? ChartLimits.MinWidth : ChartLimits.MinHeight)} to {(name == "width" ? ChartLimits.MaxWidth : ChartLimits.MaxHeight)}, got '{text}'"));
    }

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ChartRequestException($"tz: '{id}' is not a known time zone id (e.g. UTC, Europe/Berlin, America/New_York)");
        }
    }

    private static async Task GetJobChartAsync(HttpContext http, string job)
    {
        var services = http.RequestServices;
        try
        {
            var query = ParseQuery(http.Request.Query, services.GetRequiredService<ChartsOptions>().TimeZone);
            var selector = http.Request.Query.TryGetValue("series", out var s) && s.ToString().Length > 0
                ? ParseSelector(s.ToString())
                : Labels.Empty;
            var chart = await services.GetRequiredService<SeriesChartSource>().ReadAsync(job, selector, query.From, query.To, http.RequestAborted);
            var name = chart.Series.Count == 0 ? job : chart.Series.ToString();
            var data = ChartData.FromScored($"{job} {chart.Series}", name, chart.Points);
            http.Response.Headers["Vigil-Chart-Origin"] = chart.Origin == ChartOrigin.History ? "history" : "rescored";
            await ImageAsync(http, data, query.Image, $"job {job} series {chart.Series}");
        }
        catch (ChartRequestException ex)
        {
            await ErrorAsync(http, ex.Status, ex.Message);
        }
        catch (MetricSourceException ex)
        {
            services.GetRequiredService<VigilMetrics>().CountError(ex.ErrorType);
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChartEndpoints)).ChartSourceFailed(job, ex.ErrorType, ex.Message);
            await ErrorAsync(http, StatusCodes.Status502BadGateway, $"the job's source failed while re-scoring the range: {ex.Message}");
        }
    }

    private static async Task GetBusinessChartAsync(HttpContext http, string name)
    {
        var services = http.RequestServices;
        try
        {
            var reader = services.GetService<MetricSeriesReader>()
                ?? throw new ChartRequestException(404, "business metrics are not configured (business.database / VIGIL_DATABASE)");
            var query = ParseQuery(http.Request.Query, services.GetRequiredService<ChartsOptions>().TimeZone);
            var to = query.To ?? services.GetRequiredService<TimeProvider>().GetUtcNow();
            var from = query.From ?? to - DefaultBusinessRange;
            if (from >= to)
            {
                throw new ChartRequestException(from == to ? "from/to: the range is empty (from equals to)" : "from: must not be after to");
            }

            if ((to - from).TotalMinutes > MetricSeriesReader.MaxPoints)
            {
                throw new ChartRequestException(string.Create(CultureInfo.InvariantCulture, $"from/to: at most {MetricSeriesReader.MaxPoints} minutes (7 days) per chart"));
            }

            MetricSeries? series;
            try
            {
                series = await reader.ReadAsync(name, from, to, http.RequestAborted);
            }
            catch (NpgsqlException ex)
            {
                services.GetService<BusinessMetricsTelemetry>()?.DatabaseError(ex, "read");
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChartEndpoints)).ChartDatabaseFailed(name, ex.Message);
                http.Response.Headers.RetryAfter = "5";
                await ErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "the business-metrics database is unavailable; retry later");
                return;
            }

            if (series is null)
            {
                throw new ChartRequestException(404, $"name: no business metric '{name}'");
            }

            if (series.Points.Count == 0)
            {
                throw new ChartRequestException(404, $"from/to: business metric '{name}' has no aggregated minutes in the range");
            }

            var data = new ChartData
            {
                Title = $"Metric Analysis: {name}",
                ValueName = name,
                Points = [.. series.Points.Select(p => new ChartPoint(p.Timestamp.ToUnixTimeMilliseconds(), p.Value, p.Expected ?? double.NaN, p.Lower ?? double.NaN, p.Upper ?? double.NaN))],
                Anomalies = [.. series.Anomalies.Select(p => new ChartMarker(p.Timestamp.ToUnixTimeMilliseconds(), p.Value))],
            };
            await ImageAsync(http, data, query.Image, $"business metric {name}");
        }
        catch (ChartRequestException ex)
        {
            await ErrorAsync(http, ex.Status, ex.Message);
        }
    }

    private static Labels ParseSelector(string text)
    {
        try
        {
            return ApiParsing.ParseSelector("series", text);
        }
        catch (ArgumentException ex)
        {
            throw new ChartRequestException(ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static async Task ImageAsync(HttpContext http, ChartData data, ChartImageOptions image, string subject)
    {
        byte[] bytes;
        try
        {
            bytes = ChartRenderer.Render(data, image);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Input was validated before: a failure here is Vigil's (native library, a bug), not the caller's.
            http.RequestServices.GetRequiredService<VigilMetrics>().CountError(ErrorTypes.ChartRender);
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChartEndpoints)).ChartRenderFailed(subject, ex);
            await ErrorAsync(http, StatusCodes.Status500InternalServerError, "the chart could not be rendered; see the service log");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = image.Format == ChartFormat.Svg ? "image/svg+xml" : "image/png";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message }, http.RequestAborted);
    }
}
