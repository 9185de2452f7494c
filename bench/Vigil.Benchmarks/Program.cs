using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*'
// One class: ... -- --filter '*ResponseParser*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
