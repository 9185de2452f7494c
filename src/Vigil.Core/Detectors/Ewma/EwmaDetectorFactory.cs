using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Ewma;

public sealed class EwmaDetectorFactory : IDetectorFactory
{
    public const string TypeName = "ewma";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0 ? new EwmaDetector(options) : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (EwmaOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new DetectorParameters(parameters);
        var alpha = p.ReadDouble("alpha", EwmaOptions.DefaultAlpha, 1e-6, 0.999);
        var k = p.ReadDouble("k", EwmaOptions.DefaultK, 0.1, 100);
        var minPoints = p.ReadInt("min_points", EwmaOptions.DefaultMinPoints, 2, 10_000_000);
        var rangeFloor = p.ReadDouble("range_floor", 0.01, 0, 1);
        var contract = ContractOptions.Read(p, ContractOptions.WithoutShift);
        p.RejectUnknown();
        return (new EwmaOptions { Alpha = alpha, K = k, MinPoints = minPoints, RangeFloor = rangeFloor, Contract = contract }, p.Errors);
    }
}
