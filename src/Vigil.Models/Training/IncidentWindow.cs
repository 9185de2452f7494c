using Vigil.Core.Series;

namespace Vigil.Models.Training;

/// <summary>
/// A labelled incident: rows of entities matching <see cref="Entity"/> (a subset of the join labels; empty = every
/// entity) with timestamps in [<see cref="From"/>, <see cref="To"/>] are true anomalies, every other row is normal.
/// </summary>
public sealed record IncidentWindow(DateTimeOffset From, DateTimeOffset To, Labels Entity)
{
    public bool Contains(Labels entity, long timestampMs)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (timestampMs < From.ToUnixTimeMilliseconds() || timestampMs > To.ToUnixTimeMilliseconds())
        {
            return false;
        }

        foreach (var label in Entity.AsSpan())
        {
            if (!string.Equals(entity.Get(label.Name), label.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
