using BenchmarkDotNet.Running;
using Vigil.Logs.Benchmarks;

if (args.Length > 0 && args[0] == "quick")
{
    return Quick.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "loghub")
{
    return Loghub.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Loghub).Assembly).Run(args);
return 0;
