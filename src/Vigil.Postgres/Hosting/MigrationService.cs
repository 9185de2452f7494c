using Microsoft.Extensions.Hosting;
using Vigil.Postgres.Migrations;

namespace Vigil.Postgres.Hosting;

/// <summary>Applies migrations in StartAsync, so a failure stops the host before it serves anything.</summary>
internal sealed class MigrationService : IHostedService
{
    private readonly DbMigrator _migrator;

    public MigrationService(DbMigrator migrator) => _migrator = migrator;

    public Task StartAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
