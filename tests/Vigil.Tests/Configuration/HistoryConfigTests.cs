using Vigil.Pipeline.History;
using Vigil.Configuration;
using Vigil.Pipeline.Jobs;
using Vigil.Tests.Support;

namespace Vigil.Tests.Configuration;

/// <summary>The <c>history</c> section: how much verdict history each series keeps for charts (docs/charts.md).</summary>
public sealed class HistoryConfigTests : IDisposable
{
    private readonly ConfigFiles _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Load_NoHistorySection_StoresNothingSoTheDefaultsApply()
    {
        var options = _config.Load("jobs: [{ name: a, query: up }]\n");

        Assert.Null(options.Sections.Get<RecentHistoryOptions>());
        Assert.Equal((TimeSpan.FromHours(24), 1440), (new RecentHistoryOptions().Retention, new RecentHistoryOptions().MaxPointsPerSeries));
    }

    [Fact]
    public void Load_HistorySection_IsRead()
    {
        var options = _config.Load("history: { retention: 6h, max_points_per_series: 720 }\njobs: [{ name: a, query: up }]\n");

        var history = options.Sections.Get<RecentHistoryOptions>();
        Assert.NotNull(history);
        Assert.Equal((TimeSpan.FromHours(6), 720), (history.Retention, history.MaxPointsPerSeries));
        Assert.Equal(RecentHistoryOptions.DefaultMaxBytes, history.MaxBytes);
    }

    [Fact]
    public void Load_HistoryMaxBytes_IsRead()
    {
        var options = _config.Load("history: { max_bytes: 536870912 }\njobs: [{ name: a, query: up }]\n");

        Assert.Equal(512L * 1024 * 1024, options.Sections.Get<RecentHistoryOptions>()!.MaxBytes);
    }

    [Theory]
    [InlineData("retention: 30d", "history.retention: must be between")]
    [InlineData("retention: 5", "history.retention: '5' is not a duration")]
    [InlineData("max_points_per_series: 0", "history.max_points_per_series:")]
    [InlineData("max_points_per_series: 1000000", "history.max_points_per_series:")]
    [InlineData("size: 3", "history.size: unknown key")]
    [InlineData("max_bytes: 100", "history.max_bytes: must be a number between 384")]
    [InlineData("max_bytes: 1e12", "history.max_bytes: must be a number between")]
    [InlineData("max_bytes: 1000.5", "history.max_bytes: must be a whole number")]
    public void TryLoad_BadHistorySetting_NamesIt(string setting, string error)
    {
        var (options, errors) = _config.TryLoad($"history: {{ {setting} }}\njobs: [{{ name: a, query: up }}]\n");

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }
}
