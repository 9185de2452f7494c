namespace Vigil.Core.Series;

/// <summary>One label pair of a series, as Prometheus names it.</summary>
public readonly record struct Label(string Name, string Value);
