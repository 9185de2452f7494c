using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.RollingSigma;

public sealed class RollingSigmaDetectorFactory : IDetectorFactory
{
    public const string TypeName = "rolling_sigma";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0
            ? new RollingSigmaDetector(options)
            : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (RollingSigmaOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new DetectorParameters(parameters);
        var window = p.ReadInt("window", RollingSigmaOptions.DefaultWindow, 4, 100_000);
        var k = p.ReadDouble("k", RollingSigmaOptions.DefaultK, 0.1, 100);
        var minPoints = p.ReadInt("min_points", window / 2, 2, 100_000);
        var contract = ContractOptions.Read(p, ContractOptions.WithoutShift);
        p.RejectUnknown();
        if (minPoints > window)
        {
            p.Errors.Add($"min_points: must not exceed window ({window})");
        }

        return (new RollingSigmaOptions { Window = window, K = k, MinPoints = minPoints, Contract = contract }, p.Errors);
    }
}
