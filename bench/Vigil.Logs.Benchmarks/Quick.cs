using System.Diagnostics;
using System.Globalization;

namespace Vigil.Logs.Benchmarks;

/// <summary>
/// `quick [passes]`: the MinerBenchmarks workloads timed by the thread's CPU time as well as wall time. On a shared,
/// loaded machine wall time includes waiting for a core; CPU time per line is what "lines/s per core" means.
/// </summary>
internal static class Quick
{
    public static int Run(string[] args)
    {
        var passes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var bench = new MinerBenchmarks();
        bench.Setup();
        Measure("SteadyState", passes, () => bench.SteadyState());
        Measure("Cold", passes, () => bench.Cold());
        Measure("RawLinesAutoHeader", passes, () => bench.RawLinesAutoHeader());
        return 0;
    }

    private static void Measure(string name, int passes, Func<long> run)
    {
        run();
        var bestCpu = TimeSpan.MaxValue;
        var bestWall = TimeSpan.MaxValue;
        var allocated = long.MaxValue;
        for (var i = 0; i < passes; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var wall = Stopwatch.StartNew();
            run();
            wall.Stop();
            bestWall = wall.Elapsed < bestWall ? wall.Elapsed : bestWall;
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            bestCpu = used < bestCpu ? used : bestCpu;
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - bytes);
        }

        var lines = (double)MinerBenchmarks.LineCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-20} {lines / bestCpu.TotalSeconds,12:N0} lines/s (CPU time)  {lines / bestWall.TotalSeconds,12:N0} lines/s (wall)  {allocated / lines,8:F3} B/line"));
    }
}
