using BenchmarkDotNet.Running;
using Vigil.Benchmarks;

// Run all: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*'
// One class: ... -- --filter '*PipelineBenchmarks*'
BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args);
