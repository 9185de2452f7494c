namespace Vigil.Core.Detection;

/// <summary>Which side of the expectation may alert.</summary>
public enum Direction : byte
{
    /// <summary>Deviations above and below the expectation alert.</summary>
    Both = 0,

    /// <summary>Only values above the expectation alert (e.g. latency, error counts).</summary>
    Above = 1,

    /// <summary>Only values below the expectation alert (e.g. throughput, revenue).</summary>
    Below = 2,
}
