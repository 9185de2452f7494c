using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Tests.Telemetry;

/// <summary>docs/metrics.md's <c>error_type</c> table is the catalogue, no more and no less (issue #11.14).</summary>
public sealed class ErrorTypesDocTests
{
    [Fact]
    public void MetricsDoc_ErrorTypeTable_MatchesTheCatalogueBothWays()
    {
        var rows = DocumentedErrorTypes();

        Assert.Equal(ErrorTypes.All, rows.Select(r => r.Type)); // same values, same order: nothing missing, nothing extra
        Assert.Equal(ErrorTypes.PerJob.Order(StringComparer.Ordinal), rows.Where(r => r.PerJob).Select(r => r.Type).Order(StringComparer.Ordinal));
    }

    /// <summary>The rows of the table under "### error_type values": value, whether it carries job, description.</summary>
    private static List<(string Type, bool PerJob)> DocumentedErrorTypes()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "metrics.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "### error_type values");
        Assert.True(start >= 0, "docs/metrics.md has no '### error_type values' section");
        var table = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal("| value | job | when |", table[0]);
        return [.. table.Skip(2).Select(row =>
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            Assert.True(cells[2] is "yes" or "no", $"job column must be yes or no: {row}");
            return (cells[1].Trim('`'), cells[2] == "yes");
        })];
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
