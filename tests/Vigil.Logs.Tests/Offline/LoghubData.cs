using Vigil.Testing;

namespace Vigil.Logs.Tests.Offline;

/// <summary>The shared Loghub-2k data (<c>shared/bench/loghub/data</c>; <c>VIGIL_LOGHUB_DATA</c> overrides).</summary>
internal static class LoghubData
{
    public static string Root { get; } = SharedBenchData.Locate("loghub/data", "VIGIL_LOGHUB_DATA", "Loghub-2k data");
}
