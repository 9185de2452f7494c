using System.Globalization;
using System.Text.Json;
using Vigil.Core.Series;

namespace Vigil.EventStore.Sql;

/// <summary>Input checks shared by both back ends, so they refuse exactly the same input with the same messages.</summary>
internal static class EventStoreValidation
{
    public static void Name(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field}: required (got an empty value)", field);
        }

        MaxLength(value, EventStoreLimits.MaxNameLength, field);
    }

    public static void OptionalName(string? value, string field)
    {
        if (value is not null)
        {
            Name(value, field);
        }
    }

    public static void Key(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{field}: required (got an empty key)", field);
        }

        MaxLength(value, EventStoreLimits.MaxKeyLength, field);
    }

    public static void MaxLength(string? value, int max, string field)
    {
        if (value is not null && value.Length > max)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field}: {value.Length} characters, at most {max} allowed"), field);
        }
    }

    /// <summary>Checks the label set and returns its canonical form (the series key).</summary>
    public static string Series(Labels? labels, string field)
    {
        if (labels is null)
        {
            throw new ArgumentException($"{field}: required", field);
        }

        if (labels.Count > EventStoreLimits.MaxLabels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field}: {labels.Count} labels, at most {EventStoreLimits.MaxLabels} allowed"), field);
        }

        var key = labels.ToString();
        MaxLength(key, EventStoreLimits.MaxSeriesLength, field);
        return key;
    }

    public static void Json(string? value, string field, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                throw new ArgumentException($"{field}: required JSON", field);
            }

            return;
        }

        MaxLength(value, EventStoreLimits.MaxJsonLength, field);
        try
        {
            using var _ = JsonDocument.Parse(value);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{field}: not valid JSON ({ex.Message})", field, ex);
        }
    }

    public static void Range(DateTimeOffset from, DateTimeOffset to, string field)
    {
        if (to < from)
        {
            throw new ArgumentException($"{field}: the range ends ({to:o}) before it starts ({from:o})", field);
        }
    }

    public static void Finite(double value, string field)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{field}: must be a finite number, got {value}"), field);
        }
    }

    public static void Limit(int limit, string field)
    {
        if (limit is < 1 or > EventStoreLimits.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(field, limit, string.Create(CultureInfo.InvariantCulture, $"{field}: must be 1..{EventStoreLimits.MaxPageSize}"));
        }
    }

    public static void Episode(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        Name(episode.Source, "episode.source");
        Name(episode.Job, "episode.job");
        Series(episode.Series, "episode.series");
        Name(episode.Detector, "episode.detector");
        if (episode.End is { } end)
        {
            Range(episode.Start, end, "episode.end");
        }

        if (episode.PeakAt < episode.Start || (episode.End is { } e && episode.PeakAt > e))
        {
            throw new ArgumentException("episode.peak_at: must lie within the episode", "episode.peak_at");
        }

        Finite(episode.PeakScore, "episode.peak_score");
        Finite(episode.PeakValue, "episode.peak_value");
        Finite(episode.PeakExpected, "episode.peak_expected");
        if (episode.AnomalousPoints < 0)
        {
            throw new ArgumentException("episode.anomalous_points: must not be negative", "episode.anomalous_points");
        }

        Json(episode.Context, "episode.context", required: false);
    }

    public static void Feedback(OperatorFeedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (feedback.Target is null)
        {
            throw new ArgumentException("feedback.target: required", "feedback.target");
        }

        Name(feedback.Target.Job, "feedback.target.job");
        Series(feedback.Target.Labels, "feedback.target.labels");
        if (feedback.Target.IsSelector && feedback.Target.Labels.Count == 0)
        {
            // An empty selector would match every series of the job: too easy to send by mistake.
            throw new ArgumentException("feedback.target.labels: a selector needs at least one matcher", "feedback.target.labels");
        }

        Range(feedback.From, feedback.To, "feedback.to");
        if (!Enum.IsDefined(feedback.Kind))
        {
            throw new ArgumentException($"feedback.kind: unknown kind {feedback.Kind}", "feedback.kind");
        }

        Name(feedback.Author, "feedback.author");
        MaxLength(feedback.Comment, EventStoreLimits.MaxCommentLength, "feedback.comment");
    }

    public static void Report(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Name(report.RoundId, "report.round_id");
        Range(report.StartedAt, report.FinishedAt, "report.finished_at");
        Json(report.Body, "report.body", required: true);
        if (report.Errors is null || report.Errors.Count > EventStoreLimits.MaxErrors)
        {
            throw new ArgumentException($"report.errors: required, at most {EventStoreLimits.MaxErrors} entries", "report.errors");
        }

        foreach (var error in report.Errors)
        {
            if (error is null)
            {
                throw new ArgumentException("report.errors: entries must not be null", "report.errors");
            }

            MaxLength(error, EventStoreLimits.MaxCommentLength, "report.errors[]");
        }
    }

    public static void LogTemplate(LogTemplateRecord template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Name(template.Source, "template.source");
        if (string.IsNullOrEmpty(template.Template))
        {
            throw new ArgumentException("template.template: required", "template.template");
        }

        MaxLength(template.Template, EventStoreLimits.MaxTemplateLength, "template.template");
    }

    public static void Alert(AlertState alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Key(alert.Key, "alert.key");
        if (!Enum.IsDefined(alert.Status))
        {
            throw new ArgumentException($"alert.status: unknown status {alert.Status}", "alert.status");
        }

        Range(alert.FirstSentAt, alert.LastSentAt, "alert.last_sent_at");
        Json(alert.Payload, "alert.payload", required: true);
    }

    public static void DedupWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero || window > EventStoreLimits.MaxDedupWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"dedup window: must be positive and at most {EventStoreLimits.MaxDedupWindow}");
        }
    }
}
