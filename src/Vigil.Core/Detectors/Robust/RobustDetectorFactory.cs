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
        var minPoints = p.ReadInt("min_points", Math.Max(3, Math.Min(window / 4, 100)), 3, 100_000);
        var rangeFloor = p.ReadDouble("range_floor", 0.01, 0, 1);
        var q = p.ReadDouble("tail_quantile", RobustOptions.DefaultTailQuantile, 0, 0.25);
        if (RobustBaseline.TailNormaliser(q) is null)
        {
            p.Errors.Add("tail_quantile: must be one of 0, 0.01, 0.02, 0.05, 0.1, 0.25");
        }

        var contract = ContractOptions.Read(p, ContractOptions.WithoutShift);
        p.RejectUnknown();
        if (minPoints > window)
        {
            p.Errors.Add($"min_points: must not exceed window ({window})");
        }

        return (new RobustOptions { Window = window, K = k, MinPoints = minPoints, RangeFloor = rangeFloor, TailQuantile = q, Contract = contract }, p.Errors);
    }
}
