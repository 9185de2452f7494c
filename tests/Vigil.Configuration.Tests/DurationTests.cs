namespace Vigil.Configuration.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("1d", 86400)]
    public void Duration_TryParse_ReadsPrometheusDurations(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("m5")]
    public void Duration_TryParse_RejectsUnitlessOrUnknown(string text) => Assert.False(Duration.TryParse(text, out _));
}
