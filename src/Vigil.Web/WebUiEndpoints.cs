using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Charts;
using Vigil.Charts.Api;
using Vigil.Charts.Rendering;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.EventStore;
using Vigil.EventStore.Api;
using Vigil.EventStore.Feedback;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Telemetry;
using Vigil.Web.Components.Pages;
using Vigil.Web.Reading;

namespace Vigil.Web;

/// <summary>
/// The pages at <c>/</c> (docs/ui.md). Each handler reads what its page shows, in-process, and renders one Razor
/// component on the server (static SSR: plain HTML, no script). Write forms post to <c>/ui/…</c> and redirect back
/// (post/redirect/get), so a reload never posts twice.
/// </summary>
public static class WebUiEndpoints
{
    /// <summary>Size of the series chart on its page.</summary>
    internal const int ChartWidth = 1000;

    internal const int ChartHeight = 420;

    public static IEndpointRouteBuilder MapVigilWeb(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var ui = app.MapGroup(string.Empty).AddEndpointFilter(RequireReadAccessAsync);
        ui.MapGet("/", OverviewAsync);
        ui.MapGet("/jobs/{job}", JobPage);
        ui.MapGet("/jobs/{job}/series", SeriesAsync);
        ui.MapGet("/ui/chart/{job}", ChartAsync);
        ui.MapPost("/ui/feedback", PostFeedbackAsync);
        ui.MapGet("/preview", FeatureEndpoints.PreviewAsync);
        ui.MapGet("/alerts", FeatureEndpoints.AlertsAsync);
        ui.MapGet("/inspections", FeatureEndpoints.InspectionsAsync);
        ui.MapGet("/logs", FeatureEndpoints.Logs);
        ui.MapGet("/business", FeatureEndpoints.BusinessAsync);
        ui.MapGet("/models", FeatureEndpoints.Models);
        ui.MapPost("/ui/models/{job}/{action}", FeatureEndpoints.PostModelActionAsync);
        ui.MapGet("/ui/site.css", () => Results.Text(Stylesheet.Value, "text/css; charset=utf-8"));
        return app;
    }

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(WebUiEndpoints).Assembly.GetManifestResourceStream("Vigil.Web.Assets.site.css")
            ?? throw new InvalidOperationException("The UI stylesheet is not embedded in Vigil.Web.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static async ValueTask<object?> RequireReadAccessAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.RequestServices.GetRequiredService<UiAccess>().MayRead(http))
        {
            return await next(context).ConfigureAwait(false);
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Vigil\", charset=\"UTF-8\"";
        return Results.Text("Vigil's UI needs the API read token: any user name, the token as password (server.ui_auth).\n", statusCode: StatusCodes.Status401Unauthorized);
    }

    internal static RazorComponentResult Render<TComponent>(object model, int status = StatusCodes.Status200OK)
        where TComponent : IComponent
        => new RazorComponentResult<TComponent>(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = status };

    internal static RazorComponentResult Message(int status, string title, string text, string? backHref = "/", string? backText = "Back to the overview")
        => Render<Message>(new MessageModel(title, text, backHref, backText), status);

    private static async Task<IResult> OverviewAsync(ServiceView view, UiAccess access, CancellationToken cancellationToken)
    {
        var episodes = await view.EpisodesAsync(null, null, ServiceView.RecentEpisodes, cancellationToken);
        return Render<Overview>(new OverviewModel(view.Jobs(), episodes, access.Options.TimeZone));
    }

    private static RazorComponentResult JobPage(string job, string? filter, string? sort, string? dir, ServiceView view, UiAccess access)
    {
        if (view.Jobs().FirstOrDefault(j => j.Name == job) is not { } summary)
        {
            return UnknownJob(view, job);
        }

        var order = sort == "series" ? SeriesSort.Series : SeriesSort.Score;
        var descending = dir is null ? order == SeriesSort.Score : dir != "asc";
        var all = view.Series(job);
        var (matches, error) = SeriesFilter.Parse(filter ?? string.Empty);
        IEnumerable<SeriesRow> rows = all.Where(r => matches(r.Labels));
        rows = order == SeriesSort.Score
            ? (descending ? rows.OrderByDescending(r => r.Score) : rows.OrderBy(r => r.Score))
            : (descending ? rows.OrderByDescending(r => r.Labels.ToString(), StringComparer.Ordinal) : rows.OrderBy(r => r.Labels.ToString(), StringComparer.Ordinal));
        var model = new JobModel(summary, [.. rows], all.Count, filter ?? string.Empty, error, order, descending, access.Options.TimeZone);
        return Render<Job>(model, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> SeriesAsync(HttpContext http, string job, string? s, string? from, string? to, string? done, ServiceView view, IRecentHistory history, UiAccess access, CancellationToken cancellationToken)
    {
        if (view.Runner(job) is not { } runner)
        {
            return UnknownJob(view, job);
        }

        Labels series;
        DateTimeOffset? formFrom, formTo;
        try
        {
            series = ApiParsing.ParseSelector("s", s ?? string.Empty);
            formFrom = string.IsNullOrEmpty(from) ? null : ApiParsing.ParseTime("from", from);
            formTo = string.IsNullOrEmpty(to) ? null : ApiParsing.ParseTime("to", to);
        }
        catch (ArgumentException ex)
        {
            return Message(StatusCodes.Status400BadRequest, "Bad request", ex.Message.Split(" (Parameter", 2)[0], $"/jobs/{Uri.EscapeDataString(job)}", $"Back to job {job}");
        }

        var latest = view.Series(job).FirstOrDefault(r => r.Labels.Equals(series));
        if (latest is null && history.Series(job).All(l => !l.Equals(series)))
        {
            return Message(StatusCodes.Status404NotFound, "No such series", $"Job {job} has no series {series} (series are named by all their labels, as on the job's page).", $"/jobs/{Uri.EscapeDataString(job)}", $"Back to job {job}");
        }

        var episodes = await view.EpisodesAsync(job, series, ServiceView.RecentEpisodes, cancellationToken);
        var feedback = await view.FeedbackAsync(job, series, cancellationToken);
        // The form's default range: the latest episode if there is one (what people label), else the last half hour.
        var now = runner.DataClock.GetUtcNow();
        var last = episodes.Value is { Count: > 0 } items ? items[0] : null;
        var defaultFrom = last?.Start ?? now.AddMinutes(-30);
        var defaultTo = last?.End ?? now;
        var chartUrl = $"/ui/chart/{Uri.EscapeDataString(job)}?series={Uri.EscapeDataString(series.ToString())}&width={ChartWidth}&height={ChartHeight}";
        var model = new SeriesModel(job, series, latest, chartUrl, ChartWidth, ChartHeight, episodes, feedback, formFrom ?? defaultFrom, formTo ?? defaultTo,
            runner.PendingFeedback, WriteAccessOf(access), DoneMessage(done, http.Request.Query["id"].ToString()), access.Options.TimeZone);
        return Render<Series>(model);
    }

    internal static WriteAccess WriteAccessOf(UiAccess access) => new(access.Options.WriteToken is not null, access.Options.WritesRefused);

    private static Flash? DoneMessage(string? done, string id) => done switch
    {
        "new_normal" or "not_anomaly" or "confirmed" => new Flash("ok", $"Feedback {done} stored (#{id}); the job applies it at its next cycle."),
        "stored" => new Flash("info", $"Feedback stored (#{id}), but no running job has this name: it is applied when the job runs."),
        _ => null,
    };

    private static RazorComponentResult UnknownJob(ServiceView view, string job)
        => Message(StatusCodes.Status404NotFound, "No such job", $"There is no job '{job}'. Jobs: {string.Join(", ", view.Runners.Select(r => r.Name))}.");

    /// <summary>The series chart, drawn as <c>GET /api/v1/charts/{job}</c> draws it, under the UI's access rules (an image request cannot carry a Bearer token).</summary>
    private static async Task<IResult> ChartAsync(HttpContext http, string job, SeriesChartSource source, ChartsOptions charts, VigilMetrics metrics, ILoggerFactory loggers)
    {
        try
        {
            var query = ChartEndpoints.ParseQuery(http.Request.Query, charts.TimeZone);
            var selector = ApiParsing.ParseSelector("series", http.Request.Query["series"].ToString());
            var chart = await source.ReadAsync(job, selector, query.From, query.To, http.RequestAborted);
            var data = ChartData.FromScored($"{job} {chart.Series}", chart.Series.Count == 0 ? job : chart.Series.ToString(), chart.Points);
            var bytes = ChartRenderer.Render(data, query.Image);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(bytes, query.Image.Format == ChartFormat.Svg ? "image/svg+xml" : "image/png");
        }
        catch (ChartRequestException ex)
        {
            return Results.Text(ex.Message, statusCode: ex.Status);
        }
        catch (ArgumentException ex)
        {
            return Results.Text(ex.Message.Split(" (Parameter", 2)[0], statusCode: StatusCodes.Status400BadRequest);
        }
        catch (MetricSourceException ex)
        {
            metrics.CountError(ex.ErrorType);
            loggers.CreateLogger(typeof(WebUiEndpoints)).ReadFailed(http.Request.Path, "the job's source", ex.Message);
            return Results.Text($"the job's source failed: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> PostFeedbackAsync(HttpContext http, UiAccess access, FeedbackService feedback, ILoggerFactory loggers)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var job = form["job"].ToString();
        var seriesText = form["series"].ToString();
        var back = $"/jobs/{Uri.EscapeDataString(job)}/series?s={Uri.EscapeDataString(seriesText)}";
        if (access.CheckWrite(http, form) is { } refused)
        {
            loggers.CreateLogger(typeof(WebUiEndpoints)).Refused(http.Request.Path, refused.Status, refused.Message);
            return Message(refused.Status, "Feedback refused", refused.Message, back, "Back to the series");
        }

        OperatorFeedback stored;
        bool running;
        try
        {
            if (job.Length == 0)
            {
                throw new ArgumentException("job: required");
            }

            var request = new OperatorFeedback
            {
                Target = FeedbackTarget.Series(job, ApiParsing.ParseSelector("series", seriesText)),
                From = ApiParsing.ParseTime("from", form["from"].ToString().Trim()),
                To = ApiParsing.ParseTime("to", form["to"].ToString().Trim()),
                Kind = ApiParsing.ParseKind(form["kind"].ToString()),
                Author = "ui",
                Comment = form["comment"].ToString() is { Length: > 0 } comment ? comment : null,
            };
            if (request.To < request.From)
            {
                throw new ArgumentException("to: must not be before from");
            }

            (stored, running) = await feedback.AddAsync(request, http.RequestAborted);
        }
        catch (ArgumentException ex)
        {
            return Message(StatusCodes.Status400BadRequest, "Feedback not stored", ex.Message.Split(" (Parameter", 2)[0], back, "Back to the series");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            http.RequestServices.GetRequiredService<VigilMetrics>().CountError(ErrorTypes.EventStore);
            loggers.CreateLogger(typeof(WebUiEndpoints)).ReadFailed(http.Request.Path, "the event store", ex.Message);
            return Message(StatusCodes.Status503ServiceUnavailable, "Feedback not stored", "The event store is unavailable; nothing was stored. Try again later.", back, "Back to the series");
        }

        var kind = ApiParsing.KindName(stored.Kind);
        loggers.CreateLogger(typeof(WebUiEndpoints)).FeedbackStored(kind, job, seriesText, stored.From, stored.To, stored.Id);
        return Results.Redirect($"{back}&done={(running ? kind : "stored")}&id={stored.Id.ToString(CultureInfo.InvariantCulture)}#feedback-heading", permanent: false, preserveMethod: false);
    }
}
