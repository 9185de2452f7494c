using System.Text.Json;

namespace Vigil.Tests.Hosting;

/// <summary>
/// The GC settings the shipped <c>vigil.runtimeconfig.json</c> carries: the scale benchmark's memory figures (issue 15,
/// docs/benchmarks.md "scale8") were measured with them, and the GC reads them only at start, so they cannot move into
/// code or configuration.
/// </summary>
public sealed class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vigil.runtimeconfig.json")));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void RuntimeConfig_ServerGc_Gen0BudgetBoundedTo32MiB()
    {
        // Server GC's default generation-0 budget reaches 200 MiB: at 100k series that much short-lived garbage piled
        // up in every warm-up and catch-up slice and in steady cycles before a collection came.
        var properties = ConfigProperties();

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(32L * 1024 * 1024, properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
    }
}
