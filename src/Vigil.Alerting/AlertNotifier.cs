using System.Diagnostics;
using System.Globalization;
using Vigil.Alerting.Tracing;
using Vigil.EventStore;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Alerting;

/// <summary>
/// The notifier: dedup, the persisted outbox (the event store's alert state) and delivery. <see cref="PublishAsync"/>
/// tries every receiver once straight away; <see cref="RunCycleAsync"/> (run by <see cref="AlertDeliveryService"/>)
/// re-sends active alerts to Alertmanagers every resend interval, re-sends resolutions for the resolved-resend period,
/// and retries whatever a receiver has not acknowledged, each receiver with its own back-off. Because the outbox is
/// read back from the store on every cycle, a restart or a receiver outage loses nothing.
/// </summary>
internal sealed class AlertNotifier : IAlertPublisher, IDisposable
{
    // The store caps one page at EventStoreLimits.MaxPageSize; more active alerts than that is an alert storm, and
    // the oldest beyond the page are left to their Alertmanager lease (documented in docs/alerting.md).
    private const int MaxAlertsPerCycle = EventStoreLimits.MaxPageSize;
    private readonly AlertingOptions _options;
    private readonly IEventStore _store;
    private readonly AlertDeduplicator _dedup;
    private readonly IReadOnlyList<IAlertReceiver> _receivers;
    private readonly AlertingMetrics _metrics;
    private readonly VigilMetrics _vigilMetrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertNotifier> _logger;
    private readonly Dictionary<string, ReceiverState> _receiverStates;
    // One writer per instance: a publish and a cycle must not interleave their read-modify-write of the same record.
    private readonly SemaphoreSlim _lock = new(1, 1);

    public AlertNotifier(
        AlertingOptions options,
        IEventStore store,
        AlertDeduplicator dedup,
        IEnumerable<IAlertReceiver> receivers,
        AlertingMetrics metrics,
        VigilMetrics vigilMetrics,
        TimeProvider time,
        ILogger<AlertNotifier> logger)
    {
        _options = options;
        _store = store;
        _dedup = dedup;
        _receivers = [.. receivers];
        _metrics = metrics;
        _vigilMetrics = vigilMetrics;
        _time = time;
        _logger = logger;
        _receiverStates = _receivers.ToDictionary(r => r.Name, _ => new ReceiverState(new Backoff(options.RetryBaseDelay, options.RetryMaxDelay)), StringComparer.Ordinal);
    }

    internal IReadOnlyList<IAlertReceiver> Receivers => _receivers;

    internal Backoff BackoffOf(string receiver) => _receiverStates[receiver].Backoff;

    public async ValueTask<AlertPublishOutcome> PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrEmpty(alert.Source);
        var key = alert.DedupKey;
        var now = _time.GetUtcNow();
        var shadow = _options.ShadowMode || alert.Shadow;
        using var activity = AlertingTracing.Source.StartActivity(AlertingTracing.Publish);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.alert.source", alert.Source);
            activity.SetTag("vigil.alert.name", alert.Name);
            activity.SetTag("vigil.alert.dedup_key", key);
            activity.SetTag("vigil.alert.shadow", shadow);
        }

        if (!await _dedup.ShouldPublishAsync(key, _options.DedupWindow, cancellationToken).ConfigureAwait(false))
        {
            await TouchAsync(key, now, cancellationToken).ConfigureAwait(false);
            return Count(alert, AlertPublishOutcome.Deduplicated);
        }

        var record = Build(alert, now, shadow);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SaveAsync(record, now, cancellationToken).ConfigureAwait(false);
            if (shadow)
            {
                foreach (var receiver in _receivers)
                {
                    _metrics.Notifications.WithLabels(receiver.Name, "shadow").Inc();
                }

                return Count(alert, AlertPublishOutcome.Shadow);
            }

            var delivered = await DeliverAsync([record], now, immediate: true, cancellationToken).ConfigureAwait(false);
            return Count(alert, delivered[0].Pending.Count == 0 ? AlertPublishOutcome.Sent : AlertPublishOutcome.Queued);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask ResolveAsync(string dedupKey, DateTimeOffset resolvedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dedupKey);
        var now = _time.GetUtcNow();
        using var activity = AlertingTracing.Source.StartActivity(AlertingTracing.Resolve);
        activity?.SetTag("vigil.alert.dedup_key", dedupKey);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.GetAlertAsync(dedupKey, cancellationToken).ConfigureAwait(false) is not { Status: AlertStatus.Firing } state)
            {
                return;
            }

            var record = OutboxRecord.FromJson(state.Payload) with { ResolvedAt = resolvedAt };
            record = record with { Pending = record.Shadow ? [] : [.. _receivers.Select(r => r.Name)] };
            await SaveAsync(record, now, cancellationToken).ConfigureAwait(false);
            if (!record.Shadow)
            {
                await DeliverAsync([record], now, immediate: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>One delivery cycle: expire, re-send, retry; updates the outbox-depth and active-alert gauges.</summary>
    public async Task RunCycleAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var records = new List<OutboxRecord>();
            var firing = 0;
            foreach (var state in await _store.ListAlertsAsync(AlertStatus.Firing, MaxAlertsPerCycle, cancellationToken).ConfigureAwait(false))
            {
                var record = OutboxRecord.FromJson(state.Payload);
                if (now - record.LastRaisedAt > _options.DedupWindow)
                {
                    // Not raised again for a whole window (e.g. an inspection finding that went away): resolve it
                    // rather than keep it firing forever; an explicit ResolveAsync is the normal path for onsets.
                    record = record with { ResolvedAt = now, Pending = record.Shadow ? [] : [.. _receivers.Select(r => r.Name)] };
                    await SaveAsync(record, now, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    firing++;
                }

                records.Add(record);
            }

            foreach (var state in await _store.ListAlertsAsync(AlertStatus.Resolved, MaxAlertsPerCycle, cancellationToken).ConfigureAwait(false))
            {
                var record = OutboxRecord.FromJson(state.Payload);
                if (record.ResolvedAt is { } resolved && now - resolved <= _options.ResolvedResendPeriod && !records.Exists(r => r.Key == record.Key))
                {
                    records.Add(record);
                }
            }

            records.RemoveAll(r => r.Shadow);
            await DeliverAsync(records, now, immediate: false, cancellationToken).ConfigureAwait(false);
            _metrics.ActiveAlerts.Unlabelled.Set(firing);
            _metrics.OutboxDepth.Unlabelled.Set((await _store.ListAlertsAsync(null, MaxAlertsPerCycle, cancellationToken).ConfigureAwait(false))
                .Count(s => OutboxRecord.FromJson(s.Payload).Pending.Count > 0));
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>endsAt as sent: the resolution time, or a lease of four resend intervals from now for a firing alert.</summary>
    internal DateTimeOffset EndsAt(OutboxRecord record, DateTimeOffset now) => record.ResolvedAt ?? now + _options.Lease;

    private async Task<List<OutboxRecord>> DeliverAsync(List<OutboxRecord> records, DateTimeOffset now, bool immediate, CancellationToken cancellationToken)
    {
        var acknowledged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var receiver in _receivers)
        {
            var state = _receiverStates[receiver.Name];
            if (!state.Backoff.CanAttempt(now))
            {
                continue;
            }

            var batch = receiver.ResendsActive && (immediate || now - state.LastFullSendAt >= _options.ResendInterval || records.Exists(r => r.Pending.Contains(receiver.Name)))
                ? records
                : records.FindAll(r => r.Pending.Contains(receiver.Name));
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.SendTimeout);
                await receiver.SendAsync([.. batch.Select(r => (r, EndsAt(r, now)))], timeout.Token).ConfigureAwait(false);
                state.Backoff.Succeed();
                if (receiver.ResendsActive && !immediate)
                {
                    state.LastFullSendAt = now;
                }

                _metrics.Notifications.WithLabels(receiver.Name, "sent").Inc(batch.Count);
                foreach (var record in batch)
                {
                    if (!acknowledged.TryGetValue(record.Key, out var names))
                    {
                        acknowledged[record.Key] = names = new HashSet<string>(StringComparer.Ordinal);
                    }

                    names.Add(receiver.Name);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _metrics.Notifications.WithLabels(receiver.Name, "failed").Inc(batch.Count);
                _vigilMetrics.CountError(ErrorTypes.AlertDelivery);
                var delay = state.Backoff.Fail(now);
                _logger.DeliveryFailed(receiver.Name, state.Backoff.Failures, delay, ex);
            }
        }

        var result = new List<OutboxRecord>(records.Count);
        foreach (var record in records)
        {
            if (acknowledged.TryGetValue(record.Key, out var names) && record.Pending.Exists(names.Contains))
            {
                var updated = record with { Pending = record.Pending.FindAll(p => !names.Contains(p)) };
                await SaveAsync(updated, now, cancellationToken).ConfigureAwait(false);
                result.Add(updated);
            }
            else
            {
                result.Add(record);
            }
        }

        return result;
    }

    private async Task TouchAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.GetAlertAsync(key, cancellationToken).ConfigureAwait(false) is { Status: AlertStatus.Firing } state)
            {
                await SaveAsync(OutboxRecord.FromJson(state.Payload) with { LastRaisedAt = now }, now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _vigilMetrics.CountError(ErrorTypes.AlertOutbox);
            _logger.OutboxWriteFailed(key, ex);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task SaveAsync(OutboxRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _store.SaveAlertAsync(
                new AlertState
                {
                    Key = record.Key,
                    Status = record.ResolvedAt is null ? AlertStatus.Firing : AlertStatus.Resolved,
                    FirstSentAt = now,
                    LastSentAt = now,
                    Payload = record.ToJson(),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Delivery still goes ahead from memory: an unpersisted alert is better than an undelivered one.
            _vigilMetrics.CountError(ErrorTypes.AlertOutbox);
            _logger.OutboxWriteFailed(record.Key, ex);
        }
    }

    private OutboxRecord Build(AlertEvent alert, DateTimeOffset now, bool shadow)
    {
        var labels = new Dictionary<string, string>(alert.Labels, StringComparer.Ordinal)
        {
            ["alertname"] = alert.Name,
            ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
            ["sensor"] = alert.Sensor,
        };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = alert.Summary,
            ["description"] = alert.Description,
        };
        if (alert.Value is { } value)
        {
            annotations["value"] = value.ToString("G17", CultureInfo.InvariantCulture);
        }

        // Alertmanager rejects a relative generatorURL, so without alerting.external_url there is none.
        string? generator = null;
        if (alert.GeneratorPath is { } path && _options.ExternalUrl is { } external)
        {
            generator = new Uri(external, path).ToString();
        }

        return new OutboxRecord
        {
            Key = alert.DedupKey,
            Source = alert.Source,
            Sensor = alert.Sensor,
            Labels = labels,
            Annotations = annotations,
            StartsAt = alert.StartsAt,
            LastRaisedAt = now,
            GeneratorUrl = generator,
            Shadow = shadow,
            Pending = shadow ? [] : [.. _receivers.Select(r => r.Name)],
        };
    }

    private AlertPublishOutcome Count(AlertEvent alert, AlertPublishOutcome outcome)
    {
        var name = outcome.ToString().ToLowerInvariant();
        _metrics.Published.WithLabels(name).Inc();
        if (Activity.Current is { } activity && activity.Source == AlertingTracing.Source)
        {
            activity.SetTag("vigil.alert.outcome", name);
        }

        _logger.AlertPublished(alert.Name, alert.DedupKey, outcome);
        return outcome;
    }

    private sealed class ReceiverState(Backoff backoff)
    {
        public Backoff Backoff { get; } = backoff;

        public DateTimeOffset LastFullSendAt { get; set; } = DateTimeOffset.MinValue;
    }
}
