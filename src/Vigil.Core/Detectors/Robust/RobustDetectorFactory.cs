using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

public sealed class RobustDetectorFactory : IDetectorFactory
{
    public const string TypeName = "robust";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0 ? new RobustDetector(options) : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (RobustOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new DetectorParameters(parameters);
        var window = p.ReadInt("window", RobustOptions.DefaultWindow, 4, 100_000);
        var k = p.ReadDouble("k", RobustOptions.DefaultK, 0.1, 100);
        var minPoints = p.ReadInt("min_points", Math.Max(3, window / 4), 3, 100_000);
        p.RejectUnknown();
        if (minPoints > window)
        {
            p.Errors.Add($"min_points: must not exceed window ({window})");
        }

        return (new RobustOptions { Window = window, K = k, MinPoints = minPoints }, p.Errors);
    }
}
