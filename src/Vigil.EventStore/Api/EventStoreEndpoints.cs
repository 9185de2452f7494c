using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Series;
using Vigil.EventStore.Feedback;

namespace Vigil.EventStore.Api;

/// <summary>
/// <c>GET /api/v1/anomalies</c> (episodes of every pipeline, newest first, paged), <c>POST /api/v1/feedback</c> and
/// <c>GET /api/v1/feedback</c>. Authentication is the host's (see docs/security.md): these handlers assume the request
/// was let through. Bad input is a 400 with <c>{"error": "field: message"}</c>; a store failure is a 503 with
/// <c>Retry-After</c>, counted as <c>event_store</c> in <c>vigil_errors_total</c>.
/// </summary>
public static class EventStoreEndpoints
{
    /// <summary>Default page size of <c>GET /api/v1/anomalies</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest accepted feedback body.</summary>
    public const int MaxFeedbackBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapEventStoreApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/v1/anomalies", GetAnomaliesAsync);
        app.MapGet("/api/v1/feedback", GetFeedbackAsync);
        app.MapPost("/api/v1/feedback", PostFeedbackAsync);
        return app;
    }

    private static async Task GetAnomaliesAsync(HttpContext http)
    {
        EpisodeQuery query;
        try
        {
            query = ParseAnomalyQuery(http.Request.Query);
        }
        catch (ArgumentException ex)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var store = http.RequestServices.GetRequiredService<IEventStore>();
        // The store validates the page token and the limits; its message names the field (a 400).
        var (ok, page) = await ApiResponses.TryStoreAsync(http, ct => store.QueryEpisodesAsync(query, ct));
        if (!ok)
        {
            return;
        }

        await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w => WriteEpisodePage(w, page!));
    }

    /// <summary>Reads <c>from</c>, <c>to</c>, <c>job</c>, <c>series</c> (exact labels), <c>limit</c>, <c>page_token</c>.</summary>
    public static EpisodeQuery ParseAnomalyQuery(IQueryCollection q)
    {
        ArgumentNullException.ThrowIfNull(q);
        DateTimeOffset? from = q.TryGetValue("from", out var f) ? ApiParsing.ParseTime("from", f.ToString()) : null;
        DateTimeOffset? to = q.TryGetValue("to", out var t) ? ApiParsing.ParseTime("to", t.ToString()) : null;
        if (from is { } a && to is { } b && b < a)
        {
            throw new ArgumentException("to: must not be before from", nameof(q));
        }

        var limit = DefaultLimit;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > EventStoreLimits.MaxPageSize))
        {
            throw new ArgumentException($"limit: must be an integer from 1 to {EventStoreLimits.MaxPageSize.ToString(CultureInfo.InvariantCulture)}, got '{l}'", nameof(q));
        }

        return new EpisodeQuery
        {
            Job = q.TryGetValue("job", out var job) && job.ToString().Length > 0 ? job.ToString() : null,
            Series = q.TryGetValue("series", out var s) ? ApiParsing.ParseSelector("series", s.ToString()) : null,
            From = from,
            To = to,
            Limit = limit,
            PageToken = q.TryGetValue("page_token", out var p) && p.ToString().Length > 0 ? p.ToString() : null,
        };
    }

    private static async Task GetFeedbackAsync(HttpContext http)
    {
        var q = http.Request.Query;
        string? job = q.TryGetValue("job", out var j) && j.ToString().Length > 0 ? j.ToString() : null;
        DateTimeOffset? from, to;
        try
        {
            from = q.TryGetValue("from", out var f) ? ApiParsing.ParseTime("from", f.ToString()) : null;
            to = q.TryGetValue("to", out var t) ? ApiParsing.ParseTime("to", t.ToString()) : null;
            if (from is { } a && to is { } b && b < a)
            {
                throw new ArgumentException("to: must not be before from");
            }
        }
        catch (ArgumentException ex)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var store = http.RequestServices.GetRequiredService<IEventStore>();
        var (ok, items) = await ApiResponses.TryStoreAsync(http, ct => store.ListFeedbackAsync(job, EventStoreLimits.MaxPageSize, ct));
        if (!ok)
        {
            return;
        }

        // Ranges overlapping [from, to]: the same rule as episodes.
        var selected = items!.Where(i => (from is null || i.To >= from) && (to is null || i.From <= to)).ToList();
        await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("items");
            foreach (var item in selected)
            {
                WriteFeedback(w, item);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task PostFeedbackAsync(HttpContext http)
    {
        OperatorFeedback feedback;
        try
        {
            if (http.Request.ContentLength > MaxFeedbackBodyBytes)
            {
                throw new ArgumentException($"body: larger than {MaxFeedbackBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes");
            }

            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (buffer.Length > MaxFeedbackBodyBytes)
            {
                throw new ArgumentException($"body: larger than {MaxFeedbackBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes");
            }

            feedback = ParseFeedback(buffer.ToArray());
        }
        catch (ArgumentException ex)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var service = http.RequestServices.GetRequiredService<FeedbackService>();
        var (ok, added) = await ApiResponses.TryStoreAsync(http, ct => service.AddAsync(feedback, ct));
        if (!ok)
        {
            return;
        }

        var (stored, running) = added;

        await ApiResponses.JsonAsync(http, StatusCodes.Status201Created, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("feedback");
            WriteFeedback(w, stored);
            w.WriteBoolean("applied_to_running_job", running);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>{ "job", "series": "{instance=\"a\"}" (selector) or {"instance": "a"} (exact labels), "from", "to", "kind",
    /// "comment"?, "author"? }</c>. Times are RFC 3339 strings or Unix seconds.
    /// </summary>
    public static OperatorFeedback ParseFeedback(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new ArgumentException("body: empty; expected a JSON object with job, series, from, to and kind");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            throw new ArgumentException("body: not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("body: must be a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new ArgumentException($"{property.Name}: appears twice");
                }

                if (property.Name is not ("job" or "series" or "from" or "to" or "kind" or "comment" or "author"))
                {
                    throw new ArgumentException($"{property.Name}: unknown field (expected job, series, from, to, kind, comment, author)");
                }
            }

            var job = RequiredString(root, "job");
            if (!root.TryGetProperty("series", out var series))
            {
                throw new ArgumentException("series: required (a selector such as {instance=\"a\"}, or an object of exact labels)");
            }

            FeedbackTarget target = series.ValueKind switch
            {
                JsonValueKind.String => FeedbackTarget.Selector(job, ApiParsing.ParseSelector("series", series.GetString()!)),
                JsonValueKind.Object => FeedbackTarget.Series(job, ExactLabels(series)),
                _ => throw new ArgumentException("series: must be a selector string or an object of exact labels"),
            };
            var from = Time(root, "from");
            var to = Time(root, "to");
            if (to < from)
            {
                throw new ArgumentException("to: must not be before from");
            }

            return new OperatorFeedback
            {
                Target = target,
                From = from,
                To = to,
                Kind = ApiParsing.ParseKind(RequiredString(root, "kind")),
                Author = OptionalString(root, "author") ?? "api",
                Comment = OptionalString(root, "comment"),
            };
        }
    }

    private static Labels ExactLabels(JsonElement series)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var p in series.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                throw new ArgumentException($"series.{p.Name}: label values must be strings");
            }

            pairs.Add(KeyValuePair.Create(p.Name, p.Value.GetString()!));
        }

        return Labels.From(pairs);
    }

    private static DateTimeOffset Time(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new ArgumentException($"{name}: required (RFC 3339 or Unix seconds)");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => ApiParsing.ParseTime(name, value.GetString()!),
            JsonValueKind.Number => ApiParsing.ParseTime(name, value.GetRawText()),
            _ => throw new ArgumentException($"{name}: must be an RFC 3339 string or Unix seconds"),
        };
    }

    private static string RequiredString(JsonElement root, string name)
        => OptionalString(root, name) is { Length: > 0 } s ? s : throw new ArgumentException($"{name}: required");

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ArgumentException($"{name}: must be a string");
    }

    /// <summary>The JSON shape of one page of <c>GET /api/v1/anomalies</c> (pinned by a golden file).</summary>
    public static void WriteEpisodePage(Utf8JsonWriter w, EpisodePage page)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(page);
        w.WriteStartObject();
        w.WriteStartArray("items");
        foreach (var e in page.Items)
        {
            w.WriteStartObject();
            w.WriteNumber("id", e.Id);
            w.WriteString("source", e.Source);
            w.WriteString("job", e.Job);
            WriteLabels(w, "series", e.Series);
            w.WriteString("detector", e.Detector);
            w.WriteString("start", Format(e.Start));
            if (e.End is { } end)
            {
                w.WriteString("end", Format(end));
            }
            else
            {
                w.WriteNull("end");
            }

            w.WriteBoolean("open", e.End is null);
            w.WriteString("peak_at", Format(e.PeakAt));
            w.WriteNumber("peak_score", e.PeakScore);
            w.WriteNumber("value", e.PeakValue);
            w.WriteNumber("expected", e.PeakExpected);
            w.WriteString("test", e.Test.ToString().ToLowerInvariant());
            w.WriteNumber("anomalous_points", e.AnomalousPoints);
            if (e.Context is { } context)
            {
                w.WritePropertyName("context");
                w.WriteRawValue(context);
            }
            else
            {
                w.WriteNull("context");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (page.NextPageToken is { } token)
        {
            w.WriteString("next_page_token", token);
        }
        else
        {
            w.WriteNull("next_page_token");
        }

        w.WriteEndObject();
    }

    private static void WriteFeedback(Utf8JsonWriter w, OperatorFeedback f)
    {
        w.WriteStartObject();
        w.WriteNumber("id", f.Id);
        w.WriteString("job", f.Target.Job);
        if (f.Target.IsSelector)
        {
            w.WriteString("series", f.Target.Labels.ToString());
        }
        else
        {
            WriteLabels(w, "series", f.Target.Labels);
        }

        w.WriteString("from", Format(f.From));
        w.WriteString("to", Format(f.To));
        w.WriteString("kind", ApiParsing.KindName(f.Kind));
        w.WriteString("author", f.Author);
        if (f.Comment is { } comment)
        {
            w.WriteString("comment", comment);
        }
        else
        {
            w.WriteNull("comment");
        }

        w.WriteString("created_at", Format(f.CreatedAt));
        w.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter w, string name, Labels labels)
    {
        w.WriteStartObject(name);
        foreach (var label in labels)
        {
            w.WriteString(label.Name, label.Value);
        }

        w.WriteEndObject();
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
