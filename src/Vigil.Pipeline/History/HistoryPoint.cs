using Vigil.Core.Detection;

namespace Vigil.Pipeline.History;

/// <summary>One point of a series' recent history, as charts need it, in single precision.</summary>
public readonly record struct HistoryPoint(long TimestampMs, float Value, float Score, float Expected, float Lower, float Upper, VerdictKind Kind)
{
    /// <summary>
    /// Size of one point as a history buffer keeps it, the unit of <see cref="RecentHistoryOptions.MaxBytes"/>: the five
    /// floats and the timestamp as a 32-bit offset from the buffer's base with the kind in its lowest bit (24 bytes; this
    /// record itself is 32, 8 + 5 × 4 + 1 padded to 8, which is what buffers held until scale8).
    /// </summary>
    public const int Bytes = 24;
}
