using BenchmarkDotNet.Attributes;
using Vigil.Charts.Rendering;

namespace Vigil.Charts.Benchmarks;

/// <summary>Time and allocations of one 1200×600 chart of 10,000 points (value, expected, band, ~1% anomaly markers).</summary>
[MemoryDiagnoser]
public class ChartBenchmarks
{
    private ChartData _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = ChartWorkload.Create();

        // Font registration and Skia's first use are one-off costs of the process, not of a chart.
        ChartRenderer.Render(_data, new ChartImageOptions { Width = ChartWorkload.Width, Height = ChartWorkload.Height });
    }

    [Benchmark(Baseline = true)]
    public byte[] Png() => ChartRenderer.Render(_data, new ChartImageOptions { Width = ChartWorkload.Width, Height = ChartWorkload.Height });

    [Benchmark]
    public byte[] Svg() => ChartRenderer.Render(_data, new ChartImageOptions { Width = ChartWorkload.Width, Height = ChartWorkload.Height, Format = ChartFormat.Svg });
}
