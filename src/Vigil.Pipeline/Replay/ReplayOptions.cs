namespace Vigil.Pipeline.Replay;

public sealed record ReplayOptions
{
    /// <summary>Slowest accepted speed (virtual seconds per real second).</summary>
    public const double MinSpeed = 0.001;

    /// <summary>Fastest accepted speed.</summary>
    public const double MaxSpeed = 1_000_000;

    /// <summary>Virtual seconds per real second. Default 60: one minute of data per second.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>Seed of the generated data set; the same seed always gives the same data.</summary>
    public int Seed { get; init; } = 42;
}
