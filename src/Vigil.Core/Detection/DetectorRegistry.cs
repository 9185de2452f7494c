using Vigil.Core.Detectors.Auto;
using Vigil.Core.Detectors.Ewma;
using Vigil.Core.Detectors.HoltWinters;
using Vigil.Core.Detectors.Robust;
using Vigil.Core.Detectors.RollingSigma;
using Vigil.Core.Detectors.Seasonal;

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
    public static DetectorRegistry CreateDefault() => CreateDefault([]);

    /// <summary>The streaming detectors plus <paramref name="additional"/> (e.g. model-backed types an adapter provides).</summary>
    public static DetectorRegistry CreateDefault(IEnumerable<IDetectorFactory> additional)
    {
        ArgumentNullException.ThrowIfNull(additional);
        return new(
        [
            new RollingSigmaDetectorFactory(),
            new RobustDetectorFactory(),
            new EwmaDetectorFactory(),
            new SeasonalDetectorFactory(),
            new HoltWintersDetectorFactory(),
            new AutoDetectorFactory(),
            .. additional,
        ]);
    }

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);

    /// <summary>
    /// Checks the detector's own parameters and the shared policy parameters (<see cref="PolicyOptions.Keys"/>),
    /// which every type accepts.
    /// </summary>
    public IReadOnlyList<string> Validate(DetectorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_factories.TryGetValue(spec.Type, out var factory))
        {
            return [$"type: unknown detector '{spec.Type}' (known: {string.Join(", ", Types)})"];
        }

        var errors = new List<string>();
        PolicyOptions.Parse(spec.Parameters, errors);
        errors.AddRange(factory.Validate(DetectorOnly(spec.Parameters)));
        return errors;
    }

    public IDetector Create(DetectorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_factories.TryGetValue(spec.Type, out var factory))
        {
            throw new ArgumentException($"Unknown detector '{spec.Type}' (known: {string.Join(", ", Types)}).", nameof(spec));
        }

        var errors = new List<string>();
        var policy = PolicyOptions.Parse(spec.Parameters, errors);
        var own = DetectorOnly(spec.Parameters);
        errors.AddRange(factory.Validate(own));
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid parameters for detector '{spec.Type}': {string.Join("; ", errors)}", nameof(spec));
        }

        var detector = factory.Create(own);
        return policy.IsNone ? detector : new PolicyDetector(detector, policy);
    }

    private static Dictionary<string, string> DetectorOnly(IReadOnlyDictionary<string, string> parameters)
        => parameters.Where(p => !PolicyOptions.Keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
}
