using System.Globalization;
using BenchmarkDotNet.Running;
using Vigil.Charts.Benchmarks;

// BenchmarkDotNet: dotnet run -c Release --project bench/Vigil.Charts.Benchmarks -- --filter '*ChartBenchmarks*'
// Beside matplotlib: dotnet run -c Release --project bench/Vigil.Charts.Benchmarks -- compare 20 bench/charts/matplotlib_chart.py
if (args.Length > 0 && args[0] == "compare")
{
    return Compare.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20,
        args.Length > 2 ? args[2] : Path.Combine("bench", "charts", "matplotlib_chart.py"));
}

BenchmarkSwitcher.FromAssembly(typeof(ChartBenchmarks).Assembly).Run(args);
return 0;
