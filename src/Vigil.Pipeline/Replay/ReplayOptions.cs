namespace Vigil.Pipeline.Replay;

public sealed record ReplayOptions
{
    /// <summary>Virtual seconds per real second. Default 60: one minute of data per second.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>Seed of the generated data set; the same seed always gives the same data.</summary>
    public int Seed { get; init; } = 42;
}
