using Vigil.Logs.Demo;
using Vigil.Logs.Mining;
using Vigil.Pipeline.Replay;

namespace Vigil.Logs.Tests.Demo;

public sealed class ReplayLogsTests
{
    private static readonly DateTimeOffset IncidentStart = ReplayDataset.ClockStart + ReplayDataset.Incidents.First(i => i.Service == "checkout").Start;

    [Fact]
    public void Lines_BeforeAndDuringTheCheckoutIncident_NewTemplateOnlyDuringIt()
    {
        var miner = new TemplateMiner(new MinerOptions());
        var before = ReplayLogWriter.Lines(ReplayDataset.ClockStart, IncidentStart.AddMinutes(-1)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in before)
        {
            miner.Add(line);
        }

        var templatesBefore = miner.Templates.Count();
        var during = ReplayLogWriter.Lines(IncidentStart.AddMinutes(-1), IncidentStart.AddMinutes(1)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in during)
        {
            miner.Add(line);
        }

        Assert.Equal(4 * 7, before.Length); // four replay minutes of 6 requests and a login
        Assert.DoesNotContain(before, l => l.Contains("timed out", StringComparison.Ordinal));
        Assert.Equal(2 * 3, during.Count(l => l.Contains("payment gateway", StringComparison.Ordinal)));
        Assert.Equal(templatesBefore + 1, miner.Templates.Count());
    }

    [Fact]
    public void Lines_SameMinutes_SameText()
        => Assert.Equal(ReplayLogWriter.Lines(IncidentStart, IncidentStart.AddMinutes(3)), ReplayLogWriter.Lines(IncidentStart, IncidentStart.AddMinutes(3)));
}
