using System.Globalization;
using Vigil.Core.Detection;

namespace Vigil.Benchmarks;

/// <summary>
/// Bytes of detector state a live instance holds per series (issue 15), which BenchmarkDotNet's MemoryDiagnoser cannot
/// show (it counts allocations, not what stays): creates <c>series</c> series of a detector, feeds each <c>points</c>
/// one-minute points of a noisy daily sine, and reports the managed heap after a full collection, per series, at a few
/// ages (a young series still grows its buffers; at 599 points a series holds its full recent ring and its season-detection
/// buffer, the warm-up's peak; a mature one has dropped the detection buffer), and what each age step allocated per series.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- retained [detector=auto] [series=100000] [points=1500] [period=1440] [decimals]
/// (decimals: values rounded to that many, as an exporter writes them and the scale benchmark's does with 3).
/// </summary>
internal static class RetainedState
{
    public static void Run(string[] args)
    {
        var type = args.Length > 1 ? args[1] : "auto";
        var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        var points = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1500;
        // The sine's period in points: 1440 (a day at one-minute steps) is longer than auto's season search (fit_points
        // 600), so no season ring is kept; a shorter one (288) is found, and the ring of the last season is kept.
        var period = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1440;
        var decimals = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : -1;
        var detector = DetectorRegistry.CreateDefault().Create(DetectorBenchmarks.Spec(type));
        var before = Heap();
        var series = new ISeriesDetector[count];
        for (var s = 0; s < count; s++)
        {
            series[s] = detector.CreateSeries();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type}: {count} series, period {period}, decimals {decimals}, bytes per series by points seen (managed heap after a full GC)"));
        Report(0, count, before);
        const long startMs = 1_704_067_200_000;
        var fed = 0;
        foreach (var age in new[] { 12, 48, 192, 599, 600, points })
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = fed; i < age; i++)
            {
                for (var s = 0; s < count; s++)
                {
                    // A daily sine with a phase and a level per series, plus deterministic noise.
                    var value = 100 + (s % 17) + (10 * Math.Sin((2 * Math.PI * i / period) + s)) + (((i * 7919) + (s * 104729)) % 13 * 0.1);
                    series[s].Observe(startMs + (i * 60_000L), decimals >= 0 ? Math.Round(value, decimals) : value);
                }
            }

            // What the step allocated, live or not: the warm-up's garbage (issue 15: the season search at the 600th point).
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var from = fed;
            fed = Math.Max(fed, age);
            Report(fed, count, before);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    allocated by points {from + 1}..{fed}: {(double)allocated / count,8:F0} B a series"));
        }

        GC.KeepAlive(series);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void Report(int points, int count, long before)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after {points,5} points: {(double)(Heap() - before) / count,8:F0} B"));
}
