using Vigil.Core.Detectors.IsolationForest;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class IsolationForestOptionsParserTests
{
    [Fact]
    public void Parse_Empty_GivesScikitLearnDefaults()
    {
        var (options, errors) = IsolationForestOptionsParser.Parse(new Dictionary<string, string>());

        Assert.Empty(errors);
        Assert.Equal(100, options.Estimators);
        Assert.Null(options.MaxSamples);
        Assert.Null(options.Contamination);
        Assert.Equal(1.0, options.MaxFeatures);
    }

    [Fact]
    public void Parse_AllSet_ReadsEach()
    {
        var (options, errors) = IsolationForestOptionsParser.Parse(new Dictionary<string, string>
        {
            ["n_estimators"] = "200", ["max_samples"] = "512", ["max_features"] = "0.5", ["contamination"] = "0.01", ["random_state"] = "18446744073709551615",
        });

        Assert.Empty(errors);
        Assert.Equal(200, options.Estimators);
        Assert.Equal(512, options.MaxSamples);
        Assert.Equal(0.5, options.MaxFeatures);
        Assert.Equal(0.01, options.Contamination);
        Assert.Equal(ulong.MaxValue, options.RandomState);
    }

    [Fact]
    public void Parse_Auto_MeansDefault()
    {
        var (options, errors) = IsolationForestOptionsParser.Parse(new Dictionary<string, string> { ["max_samples"] = "auto", ["contamination"] = "AUTO" });

        Assert.Empty(errors);
        Assert.Null(options.MaxSamples);
        Assert.Null(options.Contamination);
    }

    [Fact]
    public void Parse_Invalid_ListsEveryError()
    {
        var (_, errors) = IsolationForestOptionsParser.Parse(new Dictionary<string, string>
        {
            ["n_estimators"] = "0", ["contamination"] = "0.9", ["random_state"] = "-1", ["n_estimator"] = "5", ["max_features"] = "auto",
        });

        Assert.Contains(errors, e => e.StartsWith("n_estimators:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("contamination:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("random_state:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("n_estimator:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("max_features:", StringComparison.Ordinal));
    }
}
