using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.EventStore;
using Vigil.EventStore.Api;

namespace Vigil.Inspection.Api;

/// <summary>
/// <c>GET /api/v1/inspections/latest</c> (the last round, from memory; from the event store after a restart) and
/// <c>GET /api/v1/inspections?from=&amp;to=&amp;limit=</c> (rounds that started in [from, to], newest first; default the
/// last 24 h of the data clock, 100 reports). Authentication is the host's: these are reads under <c>/api/</c>, so the
/// read token applies (docs/security.md). Bad input is a 400 <c>{"error": "field: message"}</c>; a store failure a 503
/// with <c>Retry-After</c>, counted as <c>event_store</c>.
/// </summary>
public static class InspectionEndpoints
{
    public const int DefaultLimit = 100;

    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapInspectionApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/v1/inspections/latest", GetLatestAsync);
        app.MapGet("/api/v1/inspections", ListAsync);
        return app;
    }

    private static async Task GetLatestAsync(HttpContext http)
    {
        if (http.RequestServices.GetService<Inspector>() is not { } inspector)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status404NotFound, "inspection is not configured (add an inspection: section)");
            return;
        }

        if (inspector.Latest is { } latest)
        {
            await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, latest.Write);
            return;
        }

        var store = http.RequestServices.GetRequiredService<IEventStore>();
        var (ok, stored) = await ApiResponses.TryStoreAsync(http, store.GetLatestInspectionReportAsync);
        if (!ok)
        {
            return;
        }

        if (stored is null)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status404NotFound, "no inspection round has finished yet");
            return;
        }

        await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w => w.WriteRawValue(stored.Body));
    }

    private static async Task ListAsync(HttpContext http)
    {
        var q = http.Request.Query;
        DateTimeOffset from, to;
        var limit = DefaultLimit;
        try
        {
            var clocks = http.RequestServices.GetService<InspectionClocks>();
            to = q.TryGetValue("to", out var t) ? ApiParsing.ParseTime("to", t.ToString()) : (clocks?.Data ?? TimeProvider.System).GetUtcNow();
            from = q.TryGetValue("from", out var f) ? ApiParsing.ParseTime("from", f.ToString()) : to - DefaultRange;
            if (to < from)
            {
                throw new ArgumentException("to: must not be before from");
            }

            if (q.TryGetValue("limit", out var l) && (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > EventStoreLimits.MaxPageSize))
            {
                throw new ArgumentException($"limit: must be an integer from 1 to {EventStoreLimits.MaxPageSize.ToString(CultureInfo.InvariantCulture)}, got '{l}'");
            }
        }
        catch (ArgumentException ex)
        {
            await ApiResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var store = http.RequestServices.GetRequiredService<IEventStore>();
        var (ok, reports) = await ApiResponses.TryStoreAsync(http, ct => store.ListInspectionReportsAsync(from, to, limit, ct));
        if (!ok)
        {
            return;
        }

        await ApiResponses.JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("items");
            foreach (var report in reports!)
            {
                w.WriteRawValue(report.Body);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
