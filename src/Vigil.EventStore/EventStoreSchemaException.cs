namespace Vigil.EventStore;

/// <summary>
/// The store's schema cannot be used by this version of Vigil: it was migrated by a newer Vigil (never run old code
/// against a newer schema), or a migration failed. Start-up fails with this message.
/// </summary>
public sealed class EventStoreSchemaException : Exception
{
    public EventStoreSchemaException()
    {
    }

    public EventStoreSchemaException(string message)
        : base(message)
    {
    }

    public EventStoreSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
