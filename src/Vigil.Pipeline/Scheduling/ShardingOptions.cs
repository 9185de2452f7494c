namespace Vigil.Pipeline.Scheduling;

/// <summary>
/// Config section <c>sharding</c>: <c>count</c> replicas share every job's series; this one is <c>index</c>, or, when
/// no index is given, the StatefulSet ordinal at the end of <c>HOSTNAME</c> (<c>vigil-2</c> → 2).
/// </summary>
public sealed record ShardingOptions
{
    public required int Count { get; init; }

    public int? Index { get; init; }

    /// <summary>The assignment for this replica, or every problem with its path.</summary>
    public (ShardAssignment? Assignment, IReadOnlyList<string> Errors) Resolve(string? hostname)
    {
        List<string> errors = [];
        if (Count < 1)
        {
            errors.Add($"sharding.count: must be at least 1, got {Count}");
            return (null, errors);
        }

        var index = Index ?? ShardAssignment.OrdinalFromHostname(hostname);
        if (index is null)
        {
            errors.Add($"sharding.index: not set, and HOSTNAME ('{hostname}') does not end in a StatefulSet ordinal (-<n>)");
        }
        else if (index < 0 || index >= Count)
        {
            errors.Add($"sharding.index: must be in [0, {Count - 1}], got {index}{(Index is null ? " (from HOSTNAME)" : string.Empty)}");
        }

        return errors.Count > 0 ? (null, errors) : (new ShardAssignment(Count, index!.Value), errors);
    }
}
