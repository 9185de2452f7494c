using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Vigil.Alerting;

/// <summary>Where alerts go. Throws on any failure (non-2xx, timeout, connection); the notifier retries with back-off.</summary>
internal interface IAlertReceiver
{
    /// <summary>Stable name: the <c>receiver</c> label and the outbox's pending entry.</summary>
    string Name { get; }

    /// <summary>
    /// True: gets every active alert at each resend (Alertmanager: its lease expires otherwise). False: gets only the
    /// alerts whose current state it has not acknowledged (a webhook sees each firing and resolution once).
    /// </summary>
    bool ResendsActive { get; }

    Task SendAsync(IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)> alerts, CancellationToken cancellationToken);
}

internal sealed class AlertmanagerReceiver(HttpClient http, AlertmanagerTarget target) : IAlertReceiver
{
    private readonly Uri _endpoint = new(new Uri(target.Url.ToString().TrimEnd('/') + "/"), "api/v2/alerts");

    public string Name { get; } = "alertmanager:" + target.Url.Authority;

    public bool ResendsActive => true;

    public async Task SendAsync(IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)> alerts, CancellationToken cancellationToken)
    {
        var body = alerts.Select(a => new AlertmanagerAlert(a.Alert.Labels, a.Alert.Annotations, a.Alert.StartsAt, a.EndsAt, a.Alert.GeneratorUrl)).ToList();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = JsonContent.Create(body, AlertingJsonContext.Default.ListAlertmanagerAlert),
        };
        if (target.BearerToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws with the receiver's own error text (Alertmanager says which field it rejected).</summary>
    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, string receiver, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{receiver} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}", null, response.StatusCode);
        }
    }
}

internal sealed class WebhookReceiver(HttpClient http, Uri url) : IAlertReceiver
{
    public string Name { get; } = "webhook:" + url.Authority + url.AbsolutePath;

    public bool ResendsActive => false;

    public async Task SendAsync(IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)> alerts, CancellationToken cancellationToken)
    {
        foreach (var (alert, _) in alerts)
        {
            var message = new WebhookMessage(
                alert.ResolvedAt is null ? "firing" : "resolved", alert.Key, alert.Source, alert.Sensor, alert.Labels, alert.Annotations, alert.StartsAt, alert.ResolvedAt, alert.GeneratorUrl);
            using var response = await http.PostAsJsonAsync(url, message, AlertingJsonContext.Default.WebhookMessage, cancellationToken).ConfigureAwait(false);
            await AlertmanagerReceiver.EnsureSuccessAsync(response, Name, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Exponential back-off of one receiver: base × 2^(failures−1), capped; reset by a success.</summary>
internal sealed class Backoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    public int Failures { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; } = DateTimeOffset.MinValue;

    public bool CanAttempt(DateTimeOffset now) => now >= NextAttemptAt;

    /// <summary>Records a failure at <paramref name="now"/>; returns the delay until the next attempt.</summary>
    public TimeSpan Fail(DateTimeOffset now)
    {
        Failures++;
        var factor = Math.Pow(2, Math.Min(Failures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks));
        NextAttemptAt = now + delay;
        return delay;
    }

    public void Succeed()
    {
        Failures = 0;
        NextAttemptAt = DateTimeOffset.MinValue;
    }
}

/// <summary>
/// Vigil's own log as a receiver (<c>alerting.log: true</c>): one warning per firing and per resolution, so alerting
/// can be seen working with no server at all (the embedded demo). Like a webhook, each state is written once.
/// </summary>
internal sealed class LogReceiver(ILogger<LogReceiver> logger) : IAlertReceiver
{
    public string Name => "log";

    public bool ResendsActive => false;

    public Task SendAsync(IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var (alert, _) in alerts)
        {
            var labels = "{" + string.Join(", ", alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
            alert.Labels.TryGetValue("alertname", out var name);
            alert.Annotations.TryGetValue("summary", out var summary);
            logger.AlertDelivered(alert.ResolvedAt is null ? "firing" : "resolved", name ?? alert.Sensor, labels, summary ?? string.Empty);
        }

        return Task.CompletedTask;
    }
}
