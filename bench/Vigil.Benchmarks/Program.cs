using BenchmarkDotNet.Running;
using Vigil.Benchmarks;

// Run all: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*'
// One class: ... -- --filter '*PipelineBenchmarks*'
// Retained state per series (not a BenchmarkDotNet run): ... -- retained [detector] [series] [points]
// Bytes allocated per steady-state live cycle (not a BenchmarkDotNet run): ... -- allocations [shards] [cycles]
// The source's CPU per series by protocol against a live Prometheus: ... -- source <url> <selector> [steps] [repetitions]
if (args.Length > 0 && args[0] == "source")
{
    SourceCost.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "allocations")
{
    CycleAllocations.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "retained")
{
    RetainedState.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);
