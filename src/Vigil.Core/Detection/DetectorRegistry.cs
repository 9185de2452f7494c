using Vigil.Core.Detectors.RollingSigma;

namespace Vigil.Core.Detection;

/// <summary>The detector types a process knows, by name. Adapters add model-backed types at start-up.</summary>
public sealed class DetectorRegistry
{
    private readonly Dictionary<string, IDetectorFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    public DetectorRegistry(IEnumerable<IDetectorFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
        {
            _factories[factory.Type] = factory;
        }
    }

    /// <summary>The streaming detectors that need nothing but their parameters.</summary>
    public static DetectorRegistry CreateDefault() => new([new RollingSigmaDetectorFactory()]);

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);

    public IReadOnlyList<string> Validate(DetectorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _factories.TryGetValue(spec.Type, out var factory)
            ? factory.Validate(spec.Parameters)
            : [$"type: unknown detector '{spec.Type}' (known: {string.Join(", ", Types)})"];
    }

    public IDetector Create(DetectorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_factories.TryGetValue(spec.Type, out var factory))
        {
            throw new ArgumentException($"Unknown detector '{spec.Type}' (known: {string.Join(", ", Types)}).", nameof(spec));
        }

        var errors = factory.Validate(spec.Parameters);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid parameters for detector '{spec.Type}': {string.Join("; ", errors)}", nameof(spec));
        }

        return factory.Create(spec.Parameters);
    }
}
