namespace Vigil.Models.Store;

public sealed record ModelStoreOptions
{
    public const int DefaultHistoryLimit = 20;

    /// <summary>Root directory; each model name gets a sub-directory. Required.</summary>
    public required string Directory { get; init; }

    /// <summary>Promoted versions kept per model for rollback (the active one always stays). Default 20.</summary>
    public int HistoryLimit { get; init; } = DefaultHistoryLimit;
}
