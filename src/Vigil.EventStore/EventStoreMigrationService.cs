using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vigil.EventStore;

/// <summary>Migrates the event store when the host starts, so a newer schema fails start-up rather than the first write.</summary>
internal sealed class EventStoreMigrationService(IEventStore store, ILogger<EventStoreMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogMessages.Ready(logger, store.GetType().Name, await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
