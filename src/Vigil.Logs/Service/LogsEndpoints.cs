using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.EventStore;
using Vigil.EventStore.Api;

namespace Vigil.Logs.Service;

/// <summary>
/// <c>GET /api/v1/logs/templates?source=&amp;from=&amp;to=</c>: per source, every template with lines in the range
/// (id, text, first seen, count, counts per interval), largest first, and the lines ingested in the range, which the
/// counts sum to exactly. A read endpoint under <c>/api/</c>: the host's middleware applies the read token (docs/security.md).
/// </summary>
public static class LogsEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/v1/logs/templates", (Delegate)GetTemplates);
        app.MapGet("/api/v1/logs/events", (Delegate)GetEventsAsync);
        return app;
    }

    private static IResult GetTemplates(HttpContext http)
    {
        var sources = http.RequestServices.GetRequiredService<LogSources>();
        var query = http.Request.Query;
        if (!TryTime(query["from"], DateTimeOffset.MinValue, out var from) || !TryTime(query["to"], DateTimeOffset.MaxValue, out var to))
        {
            return Results.Json(new { error = "from, to: RFC 3339 times or Unix seconds" }, Json, statusCode: StatusCodes.Status400BadRequest);
        }

        if (from >= to)
        {
            return Results.Json(new { error = "from must be before to" }, Json, statusCode: StatusCodes.Status400BadRequest);
        }

        var name = query["source"].ToString();
        var names = name.Length > 0 ? [name] : sources.Names;
        var result = new List<SourceCounts>();
        foreach (var source in names)
        {
            if (sources.Query(source, from, to) is not { } counts)
            {
                return Results.Json(new { error = $"unknown source '{source}' (configured: {string.Join(", ", sources.Names)})" }, Json, statusCode: StatusCodes.Status404NotFound);
            }

            result.Add(counts);
        }

        return Results.Json(new { sources = result }, Json);
    }

    public const int DefaultEventLimit = 100;

    /// <summary>
    /// <c>GET /api/v1/logs/events?source=&amp;from=&amp;to=&amp;limit=</c>: new templates as recorded in the event store
    /// (every replica's, across restarts), newest first. 503 with Retry-After when the store is down.
    /// </summary>
    private static async Task GetEventsAsync(HttpContext http)
    {
        var store = http.RequestServices.GetRequiredService<IEventStore>();
        var query = http.Request.Query;
        if (!TryTime(query["from"], DateTimeOffset.UnixEpoch, out var from) || !TryTime(query["to"], DateTimeOffset.MaxValue, out var to))
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, "from, to: RFC 3339 times or Unix seconds");
            return;
        }

        var limit = DefaultEventLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > EventStoreLimits.MaxPageSize))
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, string.Create(CultureInfo.InvariantCulture, $"limit: an integer from 1 to {EventStoreLimits.MaxPageSize}"));
            return;
        }

        if (from > to)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, "from must not be after to");
            return;
        }

        var source = query["source"].ToString() is { Length: > 0 } name ? name : null;
        var (ok, events) = await ApiResponses.TryStoreAsync(http, ct => store.ListNewLogTemplatesAsync(source, from, to, limit, ct));
        if (!ok)
        {
            return;
        }

        await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            foreach (var e in events!)
            {
                w.WriteStartObject();
                w.WriteString("source", e.Source);
                w.WriteNumber("id", e.TemplateId);
                w.WriteString("template", e.Template);
                w.WriteString("first_seen", e.FirstSeen.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static bool TryTime(string? text, DateTimeOffset absent, out DateTimeOffset time)
    {
        time = absent;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
