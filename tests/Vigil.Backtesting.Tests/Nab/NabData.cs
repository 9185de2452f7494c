using Vigil.Testing;

namespace Vigil.Backtesting.Tests.Nab;

/// <summary>The shared NAB corpus (<c>shared/bench/nab/data</c>; <c>VIGIL_NAB_DATA</c> overrides).</summary>
internal static class NabData
{
    public static string Root { get; } = SharedBenchData.Locate("nab/data", "VIGIL_NAB_DATA", "NAB corpus");
}
