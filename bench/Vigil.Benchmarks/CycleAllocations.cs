using System.Globalization;

namespace Vigil.Benchmarks;

/// <summary>
/// Bytes the process allocates per steady-state cycle of <see cref="LiveCycleBenchmarks"/> (100k series), from
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> around each cycle, and the collections each cycle triggered: the
/// figure a zero-allocation cycle is measured by, without BenchmarkDotNet's minutes of runs.
/// </summary>
internal static class CycleAllocations
{
    public static void Run(string[] args)
    {
        var shards = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var cycles = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        var bench = new LiveCycleBenchmarks { Shards = shards };
        bench.Setup();
        Console.WriteLine("| cycle | allocated (bytes) | gen0 | gen1 | gen2 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        long total = 0;
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            bench.NextCycle();
            var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var before = GC.GetTotalAllocatedBytes(precise: true);
            bench.RunCycle().GetAwaiter().GetResult();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            total += allocated;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cycle} | {allocated:N0} | {GC.CollectionCount(0) - g0} | {GC.CollectionCount(1) - g1} | {GC.CollectionCount(2) - g2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean {total / cycles:N0} bytes per cycle over {cycles} cycles, {shards} shard(s)"));
    }
}
