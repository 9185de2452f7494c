namespace Vigil.Core.Detection;

public enum VerdictKind : byte
{
    /// <summary>The point was scored against a learned expectation.</summary>
    Scored = 0,

    /// <summary>Not enough history yet for a verdict; the score is 0 and means nothing.</summary>
    Warmup = 1,

    /// <summary>The value could not be scored (NaN, ±Inf, outside the valid range); state was not touched.</summary>
    Invalid = 2,
}
