using Vigil.Core.Detection;

namespace Vigil.Pipeline.History;

/// <summary>One point of a series' recent history, as charts need it; single precision keeps it at 32 bytes.</summary>
public readonly record struct HistoryPoint(long TimestampMs, float Value, float Score, float Expected, float Lower, float Upper, VerdictKind Kind)
{
    /// <summary>Size of one point in a history buffer (8 + 5 × 4 + 1, padded to 8), the unit of <see cref="RecentHistoryOptions.MaxBytes"/>.</summary>
    public const int Bytes = 32;
}
