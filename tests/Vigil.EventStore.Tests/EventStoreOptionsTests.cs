using Vigil.Configuration;
namespace Vigil.EventStore.Tests;

public sealed class EventStoreOptionsTests
{
    [Fact]
    public void ForStateDirectory_AnyDirectory_IsSqliteInEventsDb()
    {
        var options = EventStoreOptions.ForStateDirectory("/var/lib/vigil");

        Assert.Equal(EventStoreBackend.Sqlite, options.Backend);
        Assert.Equal("/var/lib/vigil/events.db", options.SqlitePath);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_SqliteWithoutPathAndBadTimeout_ListsEveryError()
    {
        var options = new EventStoreOptions { BusyTimeout = TimeSpan.Zero };

        var ex = Assert.Throws<ConfigException>(options.ValidateOrThrow);

        Assert.Contains("event_store.sqlite_path: required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("event_store.busy_timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Postgres_NeedsNoPath()
        => Assert.Empty(new EventStoreOptions { Backend = EventStoreBackend.Postgres }.Validate());
}
