using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.EventStore.Api;

namespace Vigil.Web.Api;

/// <summary>
/// <c>POST /api/v1/models/{job}/promote</c> and <c>POST /api/v1/models/{job}/rollback[?version=…]</c> (docs/models.md).
/// Under <c>/api</c> and not GET, so the host's API authentication treats them as writes, exactly like
/// <c>POST /api/v1/feedback</c>: the write token, or 403 beyond loopback without one.
/// </summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/v1/models/{job}/promote", (HttpContext http, string job, ModelActions actions) => AnswerAsync(http, actions.Promote(job)));
        app.MapPost("/api/v1/models/{job}/rollback", (HttpContext http, string job, string? version, ModelActions actions)
            => AnswerAsync(http, actions.Rollback(job, string.IsNullOrWhiteSpace(version) ? null : version.Trim())));
        return app;
    }

    internal static int StatusOf(ModelActionOutcome outcome) => outcome switch
    {
        ModelActionOutcome.Done => StatusCodes.Status200OK,
        ModelActionOutcome.UnknownJob or ModelActionOutcome.NoModel => StatusCodes.Status404NotFound,
        ModelActionOutcome.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static Task AnswerAsync(HttpContext http, ModelActionResult result)
    {
        if (result.Outcome != ModelActionOutcome.Done)
        {
            return ApiResponses.ErrorAsync(http, StatusOf(result.Outcome), result.Message);
        }

        return ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w => Write(w, result));
    }

    private static void Write(Utf8JsonWriter w, ModelActionResult result)
    {
        var active = result.Active!;
        w.WriteStartObject();
        w.WriteString("model", result.Model);
        w.WriteString("message", result.Message);
        w.WriteStartObject("active");
        w.WriteString("version", active.Version);
        w.WriteString("created_at", active.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartArray("features");
        foreach (var feature in active.Features)
        {
            w.WriteStringValue(feature.Name);
        }

        w.WriteEndArray();
        if (active.Training is { } training)
        {
            w.WriteNumber("training_rows", training.Rows);
        }

        w.WriteStartObject("validation");
        foreach (var (name, value) in active.Validation.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(name, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
