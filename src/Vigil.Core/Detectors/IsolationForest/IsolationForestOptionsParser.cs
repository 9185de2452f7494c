using System.Globalization;
using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// Reads <see cref="IsolationForestOptions"/> from configuration text with scikit-learn's parameter names
/// (<c>n_estimators</c>, <c>max_samples</c> = auto|N, <c>max_features</c>, <c>contamination</c> = auto|fraction,
/// <c>random_state</c>), collecting every error.
/// </summary>
public static class IsolationForestOptionsParser
{
    public static (IsolationForestOptions Options, IReadOnlyList<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // "auto" and the unsigned 64-bit seed are handled here; the numeric rest goes through DetectorParameters,
        // which also rejects unknown names.
        var numeric = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var autoSamples = false;
        var autoContamination = false;
        ulong seed = 0;
        foreach (var (key, value) in parameters)
        {
            var isAuto = string.Equals(value.Trim(), "auto", StringComparison.OrdinalIgnoreCase);
            if (isAuto && string.Equals(key, "max_samples", StringComparison.OrdinalIgnoreCase))
            {
                autoSamples = true;
            }
            else if (isAuto && string.Equals(key, "contamination", StringComparison.OrdinalIgnoreCase))
            {
                autoContamination = true;
            }
            else if (string.Equals(key, "random_state", StringComparison.OrdinalIgnoreCase))
            {
                if (!ulong.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                {
                    errors.Add($"random_state: '{value}' is not a non-negative whole number");
                }
            }
            else
            {
                numeric[key] = value;
            }
        }

        var p = new DetectorParameters(numeric);
        var estimators = p.ReadInt("n_estimators", IsolationForestOptions.DefaultEstimators, 1, 10_000);
        int? maxSamples = autoSamples || !numeric.ContainsKey("max_samples") ? null : p.ReadInt("max_samples", IsolationForestOptions.AutoMaxSamples, 1, 1_000_000);
        var maxFeatures = p.ReadDouble("max_features", 1.0, double.Epsilon, 1.0);
        double? contamination = autoContamination || !numeric.ContainsKey("contamination") ? null : p.ReadDouble("contamination", 0.1, double.Epsilon, 0.5);
        p.RejectUnknown();
        errors.AddRange(p.Errors);

        var options = new IsolationForestOptions
        {
            Estimators = estimators,
            MaxSamples = maxSamples,
            MaxFeatures = maxFeatures,
            Contamination = contamination,
            RandomState = seed,
        };
        return (options, errors);
    }
}
