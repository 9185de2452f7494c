using System.Buffers;
using System.Runtime.CompilerServices;

namespace Vigil.Exposition.Tests;

/// <summary>
/// Pins the exact bytes of the exposition. To accept an intended change, run once with VIGIL_UPDATE_GOLDEN=1
/// and review the diff of golden/*.prom.
/// </summary>
public sealed class GoldenFileTests
{
    [Fact]
    public void WriteTo_GoldenRegistry_MatchesGoldenFile()
    {
        var buffer = new ArrayBufferWriter<byte>();

        SampleRegistries.CreateGolden().WriteTo(buffer);

        AssertGolden("registry.prom", buffer.WrittenSpan.ToArray());
    }

    private static void AssertGolden(string fileName, byte[] actual, [CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("VIGIL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(sourceFile)!, "golden", fileName), actual);
        }

        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "golden", fileName));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }
}
