using BenchmarkDotNet.Running;
using Vigil.EventStore.Benchmarks;

// dotnet run -c Release --project bench/Vigil.EventStore.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(EventStoreWriteBenchmarks).Assembly).Run(args);
