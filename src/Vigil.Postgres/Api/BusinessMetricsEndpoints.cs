using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Postgres.Ingest;

namespace Vigil.Postgres.Api;

/// <summary>HTTP API of the business-metrics pipeline: event ingest and metric series for charts.</summary>
public static class BusinessMetricsEndpoints
{
    /// <summary>Errors listed in one 400 response; the total is always reported.</summary>
    public const int MaxErrorsReported = 100;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,

        // Responses are API JSON, never embedded in HTML: keep quotes in messages readable ('x', not \u0027x\u0027).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEndpointRouteBuilder MapBusinessMetricsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/v1/events", (Delegate)PostEventsAsync);
        app.MapGet("/api/v1/metrics", (Delegate)ListMetricsAsync);
        app.MapGet("/api/v1/metrics/{name}", (Delegate)GetMetricAsync);
        return app;
    }

    private static async Task<IResult> PostEventsAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<BusinessMetricsOptions>().Ingest;
        if (options.BearerToken is { } token && !IsAuthorized(http.Request, token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "missing or invalid bearer token");
        }

        var requestKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (requestKey.Length > EventValidation.MaxIdempotencyKeyLength)
        {
            return Error(StatusCodes.Status400BadRequest, $"Idempotency-Key: must be at most {EventValidation.MaxIdempotencyKeyLength} characters");
        }

        var body = await ReadBodyAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"body exceeds {options.MaxBodyBytes} bytes");
        }

        var errors = new List<EventError>();
        var raw = EventParser.Parse(body.Value, errors);
        if (raw.Count + errors.Count > options.MaxEventsPerRequest)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"more than {options.MaxEventsPerRequest} events in one request");
        }

        var validation = services.GetRequiredService<EventValidation>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var events = new List<BusinessEvent>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            if (validation.Validate(raw[i], i, errors, now) is { } valid)
            {
                events.Add(valid);
            }
        }

        if (errors.Count > 0)
        {
            // All-or-nothing: one bad event rejects the request, and the response lists every problem found.
            var distinct = EventParser.FirstPerField(errors);
            var listed = distinct.Take(MaxErrorsReported).Select(e => new ErrorItem(e.Index, e.Field, e.Message)).ToList();
            return Results.Json(new ValidationProblem("validation failed: nothing was stored", distinct.Count, listed), Json, statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var result = await services.GetRequiredService<EventIngestor>()
                .IngestAsync(events, requestKey.Length > 0 ? requestKey : null, IngestMode.Live, http.RequestAborted)
                .ConfigureAwait(false);
            return Results.Json(result, Json, statusCode: StatusCodes.Status200OK);
        }
        catch (NpgsqlException ex) when (IsTransient(ex))
        {
            // Nothing was stored (the batch is one transaction) and retrying is safe: tell the client to retry.
            return Unavailable(http, "database temporarily unavailable; nothing was stored, retry the request");
        }
        catch (IdempotencyConflictException ex)
        {
            // 422, as draft-ietf-httpapi-idempotency-key-header (section 2.7) asks for a key reused with another
            // payload; the same status for a per-event key reused for another event. Nothing was stored.
            return Results.Json(new ConflictResponse(ex.Message, ex.IdempotencyKey, ex.Index), Json, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<IResult> ListMetricsAsync(HttpContext http)
    {
        var services = http.RequestServices;
        try
        {
            var metrics = await services.GetRequiredService<MetricSeriesReader>().ListAsync(http.RequestAborted).ConfigureAwait(false);
            return Results.Json(new MetricListResponse(metrics), Json);
        }
        catch (NpgsqlException ex) when (IsTransient(ex))
        {
            services.GetRequiredService<BusinessMetricsTelemetry>().DatabaseError(ex, "read");
            return Unavailable(http, "database temporarily unavailable; retry the request");
        }
    }

    private static async Task<IResult> GetMetricAsync(HttpContext http, string name)
    {
        var services = http.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var query = http.Request.Query;
        if (!TryReadTime(query["to"], now, out var to) || !TryReadTime(query["from"], to.AddHours(-3), out var from))
        {
            return Error(StatusCodes.Status400BadRequest, "from/to: must be RFC 3339 timestamps with an offset or Unix milliseconds");
        }

        if (from >= to || (to - from).TotalMinutes > MetricSeriesReader.MaxPoints)
        {
            return Error(StatusCodes.Status400BadRequest, $"from/to: from must be before to and the range at most {MetricSeriesReader.MaxPoints} minutes");
        }

        MetricSeries? series;
        try
        {
            series = await services.GetRequiredService<MetricSeriesReader>().ReadAsync(name, from, to, http.RequestAborted).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (IsTransient(ex))
        {
            services.GetRequiredService<BusinessMetricsTelemetry>().DatabaseError(ex, "read");
            return Unavailable(http, "database temporarily unavailable; retry the request");
        }

        if (series is null)
        {
            return Error(StatusCodes.Status404NotFound, $"no business metric named '{name}' (GET /api/v1/metrics lists them)");
        }

        return Results.Json(
            new SeriesResponse(series.Metric, series.From, series.To, series.Points, [.. series.Anomalies]),
            Json);
    }

    private static bool TryReadTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return EventValidation.TryParseTimestamp(text, out value);
    }

    private static bool IsAuthorized(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time: response timing must not reveal how much of the token matched.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        // Our limit replaces the server's, which may be lower or higher than the configured one.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        // At least 1: an empty body (Content-Length: 0) must reach the parser and its "body is empty" 400, and
        // ArrayBufferWriter refuses a capacity of 0.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(http.Request.ContentLength ?? 64 * 1024, 1, limit + 1));
        var stream = http.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(64 * 1024);
            var read = await stream.ReadAsync(memory, http.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    /// <summary>Connection lost or refused, deadlock, serialization failure: the same request can succeed later.</summary>
    private static bool IsTransient(NpgsqlException ex)
        => ex.IsTransient || ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    private static IResult Unavailable(HttpContext http, string message)
    {
        http.Response.Headers.RetryAfter = "1";
        return Error(StatusCodes.Status503ServiceUnavailable, message);
    }

    private static IResult Error(int status, string message)
        => Results.Json(new ErrorResponse(message), Json, statusCode: status);

    private sealed record ErrorResponse(string Error);

    private sealed record ConflictResponse(
        string Error,
        string IdempotencyKey,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Index);

    private sealed record MetricListResponse(IReadOnlyList<MetricSummary> Metrics);

    private sealed record ErrorItem(long Index, string Field, string Message);

    private sealed record ValidationProblem(string Error, int ErrorCount, IReadOnlyList<ErrorItem> Errors);

    private sealed record SeriesResponse(string Metric, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricPoint> Points, IReadOnlyList<MetricPoint> Anomalies);
}
