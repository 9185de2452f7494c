using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// <c>type: isolation_forest</c> with parameter <c>model</c> (the model name in the model store, usually the job name).
/// Creating the detector fails when no active model exists, so a missing model stops start-up with a clear message.
/// </summary>
public sealed class IsolationForestDetectorFactory(IModelProvider models) : IDetectorFactory
{
    public const string TypeName = "isolation_forest";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (name, errors) = Parse(parameters);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
        }

        ArgumentNullException.ThrowIfNull(models);
        return new IsolationForestDetector(models.Get(name));
    }

    private static (string Name, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new List<string>();
        string? name = null;
        foreach (var (key, value) in parameters)
        {
            if (string.Equals(key, "model", StringComparison.OrdinalIgnoreCase))
            {
                name = value.Trim();
            }
            else
            {
                errors.Add($"{key}: unknown parameter (known: model)");
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            errors.Add("model: required (the model name in the model store, e.g. the job name)");
        }

        return (name ?? string.Empty, errors);
    }
}
