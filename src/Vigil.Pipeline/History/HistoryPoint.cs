using Vigil.Core.Detection;

namespace Vigil.Pipeline.History;

/// <summary>One point of a series' recent history, as charts need it; single precision keeps it at 32 bytes.</summary>
public readonly record struct HistoryPoint(long TimestampMs, float Value, float Score, float Expected, float Lower, float Upper, VerdictKind Kind);
