using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.EventStore;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Logs.Service;

/// <summary>
/// Writes every new template to the event store (<c>log_templates</c>), so they outlive the process and replicas see
/// each other's (<c>GET /api/v1/logs/events</c>). It reads its own subscription of the <see cref="NewTemplateFeed"/>,
/// so the miner never waits for the database. A failed write is counted (<c>event_store</c>), logged, and retried
/// after <see cref="RetryDelay"/>; meanwhile new events wait in the bounded subscription (oldest dropped and counted).
/// </summary>
internal sealed class NewTemplateRecorder(NewTemplateFeed feed, IEventStore store, VigilMetrics metrics, TimeProvider time, ILogger<NewTemplateRecorder> logger) : BackgroundService
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    // Subscribed at construction, before any source starts: no template is published before the recorder listens.
    private readonly System.Threading.Channels.ChannelReader<NewTemplateEvent> _events = feed.Subscribe();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _events.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (_events.TryRead(out var created))
                {
                    await RecordAsync(created, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is re-published as new after a restart only if its ids were not saved; the
            // store's (source, id) key keeps the first sighting either way.
        }
    }

    private async Task RecordAsync(NewTemplateEvent created, CancellationToken ct)
    {
        var template = new LogTemplateRecord
        {
            Source = created.Source,
            TemplateId = created.TemplateId,
            Template = created.Text.Length > EventStoreLimits.MaxTemplateLength ? created.Text[..EventStoreLimits.MaxTemplateLength] : created.Text,
            FirstSeen = created.FirstSeen,
        };
        while (true)
        {
            try
            {
                await store.RecordNewLogTemplateAsync(template, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // IEventStore's contract: store failures surface as the provider's exception; count and keep running.
                metrics.CountError(ErrorTypes.EventStore);
                logger.TemplateRecordFailed(created.Source, created.TemplateId, RetryDelay, ex);
                await Task.Delay(RetryDelay, time, ct).ConfigureAwait(false);
            }
        }
    }
}
