namespace Vigil.Exposition.Tests;

public sealed class ProcessMetricsCollectorTests
{
    [Fact]
    public void Collect_CurrentProcess_WritesStandardFamiliesWithPlausibleValues()
    {
        // Before the process's first collection the runtime may report a heap size of 0 (seen once in CI): collect
        // first so the heap-size check is about our reporting, not about when the GC last ran.
        GC.Collect();
        var samples = ExpositionParser.ParseSamples(TestRender.Render(new ProcessMetricsCollector().Collect));
        double Value(string name) => samples.Single(s => s.Name == name).Value;

        Assert.True(Value("process_cpu_seconds_total") > 0);
        Assert.True(Value("process_resident_memory_bytes") > 1_000_000);
        Assert.True(Value("process_virtual_memory_bytes") >= Value("process_resident_memory_bytes"));
        Assert.True(Value("process_start_time_seconds") > 1_600_000_000);
        Assert.True(Value("process_threads") >= 1);
        Assert.True(Value("dotnet_gc_heap_size_bytes") > 0);
        Assert.True(Value("dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value("dotnet_gc_pause_seconds_total") >= 0);
        Assert.Equal(["0", "1", "2"], samples.Where(s => s.Name == "dotnet_gc_collections_total").Select(s => s.Label("generation")));
        if (OperatingSystem.IsLinux())
        {
            Assert.True(Value("process_open_fds") > 0);
            Assert.True(Value("process_max_fds") >= Value("process_open_fds"));
        }
    }

    [Fact]
    public void Collect_EveryFamily_HasHelpAndTypeBeforeItsSamples()
    {
        var lines = TestRender.Render(new ProcessMetricsCollector().Collect).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var typed = new HashSet<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                typed.Add(line.Split(' ')[2]);
            }
            else if (!line.StartsWith('#'))
            {
                Assert.Contains(line.Split('{', ' ')[0], typed);
            }
        }

        Assert.Equal(typed.Count, lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TryParseMaxFds_LinuxLimitsFile_ReturnsSoftLimit()
    {
        const string limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max processes             63471                63471                processes \n"
            + "Max open files            1024                 524288               files     \n";

        Assert.True(ProcessMetricsCollector.TryParseMaxFds(limits, out var maxFds));
        Assert.Equal(1024, maxFds);
    }

    [Fact]
    public void TryParseMaxFds_Unlimited_ReturnsFalse()
    {
        Assert.False(ProcessMetricsCollector.TryParseMaxFds("Max open files            unlimited            unlimited            files\n", out _));
    }
}
