using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Vigil.Models.Store;
using Vigil.Web.Api;
using Vigil.Web.Components.Pages;
using Vigil.Web.Reading;

namespace Vigil.Web;

/// <summary>The pages of optional features: each says plainly when its feature is not configured, with 200.</summary>
internal static class FeatureEndpoints
{
    public static async Task<RazorComponentResult> AlertsAsync(FeatureReader reader, UiAccess access, CancellationToken cancellationToken)
        => WebUiEndpoints.Render<Alerts>(new FeaturePage<AlertsModel>(null, await reader.AlertsAsync(cancellationToken), access.Options.TimeZone));

    public static async Task<RazorComponentResult> InspectionsAsync(FeatureReader reader, UiAccess access, CancellationToken cancellationToken)
        => WebUiEndpoints.Render<Inspections>(reader.InspectionConfigured
            ? new FeaturePage<InspectionsModel>(null, await reader.InspectionsAsync(cancellationToken), access.Options.TimeZone)
            : new FeaturePage<InspectionsModel>("Proactive inspection is not configured (the inspection: section, docs/inspection.md).", null, access.Options.TimeZone));

    public static RazorComponentResult Logs(FeatureReader reader, UiAccess access)
        => WebUiEndpoints.Render<LogTemplates>(reader.Logs is { } sources
            ? new FeaturePage<IReadOnlyList<LogTemplateRow>>(null, new Read<IReadOnlyList<LogTemplateRow>>(FeatureReader.Templates(sources), null), access.Options.TimeZone)
            : new FeaturePage<IReadOnlyList<LogTemplateRow>>("Log mining is not configured (the logs: section, docs/logs.md).", null, access.Options.TimeZone));

    public static async Task<RazorComponentResult> BusinessAsync(string? metric, FeatureReader reader, UiAccess access, CancellationToken cancellationToken)
    {
        if (reader.Business is not { } business)
        {
            return WebUiEndpoints.Render<Business>(new FeaturePage<BusinessModel>("Business metrics are not configured (business.database or VIGIL_DATABASE, docs/business-metrics.md).", null, access.Options.TimeZone));
        }

        var list = await reader.BusinessMetricsAsync(business, cancellationToken);
        var selected = metric is not null && list.Value?.Any(m => m.Name == metric) == true ? metric : (list.Value is { Count: > 0 } all ? all[0].Name : null);
        var chart = selected is null ? null : $"/api/v1/metrics/{Uri.EscapeDataString(selected)}/chart?width=1000&height=420";
        var content = list.Error is { } error ? new Read<BusinessModel>(null, error) : new Read<BusinessModel>(new BusinessModel(list.Value!, selected, chart), null);
        return WebUiEndpoints.Render<Business>(new FeaturePage<BusinessModel>(null, content, access.Options.TimeZone));
    }

    public static RazorComponentResult Models(HttpContext http, FeatureReader reader, ServiceView view, ModelActions actions, UiAccess access)
    {
        if (reader.Models is not { } store)
        {
            return WebUiEndpoints.Render<Components.Pages.Models>(new FeaturePage<ModelsModel>("No model store is configured (model_path or MODEL_PATH, docs/models.md): only isolation_forest jobs use one.", null, access.Options.TimeZone));
        }

        var entries = store.List();
        var jobs = new List<ModelJobView>();
        foreach (var runner in view.Runners)
        {
            if (actions.ModelOf(runner.Name) is not { } name)
            {
                continue;
            }

            var files = entries.Where(e => e.Name == name).ToList();
            ShadowView? shadow = reader.Lifecycle(runner.Name)?.Shadow is { } running
                ? new ShadowView(running.Candidate.Version, running.StartedAt, running.IsDue, running.Snapshot())
                : null;
            jobs.Add(new ModelJobView(runner.Name, name, files.Find(e => e.Slot == ModelSlot.Active), files.Find(e => e.Slot == ModelSlot.Candidate),
                [.. files.Where(e => e.Slot == ModelSlot.History).OrderByDescending(e => e.Header?.CreatedAt ?? DateTimeOffset.MinValue)], shadow));
        }

        var q = http.Request.Query;
        // The notice names only a job of this page and the version it now runs, so a crafted link cannot make the page say something else.
        var flash = !jobs.Any(j => j.Job == q["job"].ToString() && j.Active?.Header?.Version == q["version"].ToString()) ? null : q["done"].ToString() switch
        {
            ModelActions.PromoteAction => new Flash("ok", $"Job {q["job"]}: {q["version"]} promoted; the job scores with it from its next point."),
            ModelActions.RollbackAction => new Flash("ok", $"Job {q["job"]}: rolled back to {q["version"]}; the job scores with it from its next point."),
            _ => null,
        };
        var model = new ModelsModel(jobs, entries, WebUiEndpoints.WriteAccessOf(access), flash);
        return WebUiEndpoints.Render<Components.Pages.Models>(new FeaturePage<ModelsModel>(null, new Read<ModelsModel>(model, null), access.Options.TimeZone));
    }

    /// <summary>The Promote and Rollback buttons: the feedback form's write rules, then the same action as the API, then back to the page.</summary>
    public static async Task<IResult> PostModelActionAsync(HttpContext http, string job, string action, UiAccess access, ModelActions actions, ILoggerFactory loggers)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (access.CheckWrite(http, form) is { } refused)
        {
            loggers.CreateLogger(typeof(FeatureEndpoints)).Refused(http.Request.Path, refused.Status, refused.Message);
            return WebUiEndpoints.Message(refused.Status, "Model action refused", refused.Message, "/models", "Back to the models");
        }

        var result = action switch
        {
            ModelActions.PromoteAction => actions.Promote(job),
            ModelActions.RollbackAction => actions.Rollback(job, null),
            _ => null,
        };
        if (result is null)
        {
            return WebUiEndpoints.Message(StatusCodes.Status404NotFound, "No such action", $"'{action}' is not a model action: promote or rollback.", "/models", "Back to the models");
        }

        if (result.Outcome != ModelActionOutcome.Done)
        {
            return WebUiEndpoints.Message(ModelEndpoints.StatusOf(result.Outcome), action == ModelActions.PromoteAction ? "Not promoted" : "Not rolled back", result.Message, "/models", "Back to the models");
        }

        return Results.Redirect($"/models?done={action}&job={Uri.EscapeDataString(job)}&version={Uri.EscapeDataString(result.Active!.Version)}#model-{Uri.EscapeDataString(job)}", permanent: false, preserveMethod: false);
    }

    public static async Task<RazorComponentResult> PreviewAsync(HttpContext http, PreviewRunner preview, ServiceView view, UiAccess access, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        string? Field(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        var request = new PreviewRequest(Field("job") ?? (view.Runners.Count > 0 ? view.Runners[0].Name : null), Field("series"), Field("detector"), Field("params"), Field("from"), Field("to"));
        var series = request.Job is null ? [] : view.Series(request.Job).Select(r => r.Labels).OrderBy(l => l.ToString(), StringComparer.Ordinal).ToList();
        PreviewResult? result = null;
        IReadOnlyList<string> errors = [];
        if (q.ContainsKey("job"))
        {
            // The form was submitted: an empty series means the job's first one, as the form suggests.
            Vigil.Core.Series.Labels? labels = null;
            try
            {
                labels = string.IsNullOrWhiteSpace(request.Series) ? (series.Count > 0 ? series[0] : null) : Vigil.EventStore.Api.ApiParsing.ParseSelector("series", request.Series);
            }
            catch (ArgumentException ex)
            {
                errors = [ex.Message.Split(" (Parameter", 2)[0]];
            }

            if (view.Runner(request.Job ?? string.Empty) is null)
            {
                errors = [$"job: choose one of {string.Join(", ", view.Runners.Select(r => r.Name))}"];
            }
            else if (errors.Count == 0)
            {
                (result, errors) = labels is null ? (null, ["series: the job has no series yet"]) : await preview.RunAsync(request with { Series = labels.ToString() }, labels, cancellationToken);
                request = request with { Series = labels?.ToString() };
            }
        }

        var model = new PreviewModel(request, [.. view.Runners.Select(r => r.Name)], preview.Detectors, [.. series.Select(l => l.ToString())], result, errors, access.Options.TimeZone);
        return WebUiEndpoints.Render<Preview>(model, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }
}
