namespace Vigil.Core.Detection;

/// <summary>A detector as written in configuration: its type and its parameters, still as text.</summary>
public sealed record DetectorSpec(string Type, IReadOnlyDictionary<string, string> Parameters)
{
    public static DetectorSpec Default { get; } = new("auto", new Dictionary<string, string>());
}
