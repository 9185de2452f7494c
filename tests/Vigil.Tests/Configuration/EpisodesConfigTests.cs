using Vigil.Pipeline.Episodes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Configuration;

/// <summary>The <c>episodes</c> section: how many episode lines a job's cycle logs one by one.</summary>
public sealed class EpisodesConfigTests : IDisposable
{
    private readonly ConfigFiles _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Load_NoEpisodesSection_StoresNothingSoTheDefaultApplies()
    {
        var options = _config.Load("jobs: [{ name: a, query: up }]\n");

        Assert.Null(options.Sections.Get<EpisodeOptions>());
        Assert.Equal(100, new EpisodeOptions().LogLinesPerCycle);
    }

    [Fact]
    public void Load_EpisodesSection_IsRead()
    {
        var options = _config.Load("episodes: { log_lines_per_cycle: 20 }\njobs: [{ name: a, query: up }]\n");

        Assert.Equal(20, options.Sections.Get<EpisodeOptions>()!.LogLinesPerCycle);
    }

    [Theory]
    [InlineData("log_lines_per_cycle: -1", "episodes.log_lines_per_cycle:")]
    [InlineData("log_lines_per_cycle: 5000000", "episodes.log_lines_per_cycle:")]
    [InlineData("lines: 3", "episodes.lines: unknown key")]
    public void TryLoad_BadEpisodesSetting_NamesIt(string setting, string error)
    {
        var (options, errors) = _config.TryLoad($"episodes: {{ {setting} }}\njobs: [{{ name: a, query: up }}]\n");

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }
}
