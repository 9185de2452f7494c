using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detection;

public sealed class DetectorRegistryTests
{
    [Fact]
    public void CreateDefault_KnowsEveryStreamingType()
    {
        Assert.Equal(["auto", "ewma", "holt_winters", "robust", "rolling_sigma", "seasonal"], DetectorRegistry.CreateDefault().Types);
    }

    [Theory]
    [InlineData("robust", "window", "2")]
    [InlineData("ewma", "alpha", "1.5")]
    [InlineData("seasonal", "time_zone", "Mars/Olympus")]
    [InlineData("seasonal", "profile", "hour_of_year")]
    [InlineData("holt_winters", "season", "100000")]
    [InlineData("auto", "short_window", "0")]
    [InlineData("robust", "tail_quantile", "0.03")]
    public void Validate_BadDetectorParameter_NamesIt(string type, string key, string value)
    {
        var errors = DetectorRegistry.CreateDefault().Validate(new DetectorSpec(type, new Dictionary<string, string> { [key] = value }));

        Assert.Contains(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MisspeltParameter_IsAnError()
    {
        var errors = DetectorRegistry.CreateDefault().Validate(new DetectorSpec("auto", new Dictionary<string, string> { ["treshold"] = "3" }));

        Assert.Contains(errors, e => e.StartsWith("treshold: unknown parameter", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_InvalidParameters_ThrowsWithEveryMessage()
    {
        var spec = new DetectorSpec("ewma", new Dictionary<string, string> { ["alpha"] = "2", ["direction"] = "up" });

        var ex = Assert.Throws<ArgumentException>(() => DetectorRegistry.CreateDefault().Create(spec));

        Assert.Contains("alpha:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("direction:", ex.Message, StringComparison.Ordinal);
    }
}
