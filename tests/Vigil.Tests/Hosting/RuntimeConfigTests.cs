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
    public void RuntimeConfig_WorkstationGc_Gen0BudgetBoundedTo32MiB()
    {
        // Server GC (the Web SDK's default) held ≈ 350 MB beyond the live heap at 100k series and grew in steady cycles
        // (scale9); its generation-0 budget reached 200 MiB before scale8's bound, which stays for either mode.
        var properties = ConfigProperties();

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(32L * 1024 * 1024, properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
    }
}
