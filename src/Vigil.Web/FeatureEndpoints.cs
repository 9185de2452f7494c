using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public static RazorComponentResult Models(HttpContext http, FeatureReader reader, UiAccess access)
    {
        if (reader.Models is not { } store)
        {
            return WebUiEndpoints.Render<Components.Pages.Models>(new FeaturePage<ModelsModel>("No model store is configured (model_path or MODEL_PATH, docs/models.md): only isolation_forest jobs use one.", null, access.Options.TimeZone));
        }

        var flash = http.Request.Query["done"].ToString() is { Length: > 0 } done ? new Flash("ok", done) : null;
        var model = new ModelsModel(store.List(), WebUiEndpoints.WriteAccessOf(access), flash);
        return WebUiEndpoints.Render<Components.Pages.Models>(new FeaturePage<ModelsModel>(null, new Read<ModelsModel>(model, null), access.Options.TimeZone));
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
