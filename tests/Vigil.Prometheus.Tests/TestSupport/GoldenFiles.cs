using System.Text;

namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>Recorded Prometheus API bodies under golden/ (copied next to the test assembly).</summary>
internal static class GoldenFiles
{
    public static string Read(string name) => File.ReadAllText(PathOf(name), Encoding.UTF8);

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(PathOf(name));

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "golden", name);
}
