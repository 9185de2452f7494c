using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Pipeline.Telemetry;

namespace Vigil.EventStore.Api;

/// <summary>
/// The JSON answers every endpoint over the event store gives (anomalies, feedback, inspections): a body written with
/// <see cref="Utf8JsonWriter"/>, <c>{"error": …}</c> for a refusal, and 503 with <c>Retry-After</c> (counted as
/// <c>event_store</c>) when the store is down.
/// </summary>
public static class ApiResponses
{
    /// <summary>
    /// Runs one store call for an endpoint and returns its result, or writes the refusal and returns false: 400 with the
    /// store's message for an <see cref="ArgumentException"/> (the store validates page tokens, limits and fields, and
    /// names them), 503 with <c>Retry-After</c> for anything else (the store is down). A client that goes away cancels.
    /// </summary>
    public static async Task<(bool Ok, T? Value)> TryStoreAsync<T>(HttpContext http, Func<CancellationToken, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return (true, await call(http.RequestAborted).ConfigureAwait(false));
        }
        catch (ArgumentException ex)
        {
            await ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await StoreUnavailableAsync(http).ConfigureAwait(false);
        }

        return (false, default);
    }

    public static Task StoreUnavailableAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.RequestServices.GetService<VigilMetrics>()?.CountError(ErrorTypes.EventStore);
        http.Response.Headers.RetryAfter = "5";
        return ErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "the event store is unavailable; retry later");
    }

    public static Task ErrorAsync(HttpContext http, int status, string message)
        => JsonAsync(http, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });

    public static async Task JsonAsync(HttpContext http, int status, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(write);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        // Buffered, so a writer that throws half-way leaves no half-written 200 behind.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }
}
