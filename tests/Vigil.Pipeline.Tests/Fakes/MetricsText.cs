using System.Buffers;
using System.Globalization;
using System.Text;
using Vigil.Exposition;

namespace Vigil.Pipeline.Tests.Fakes;

internal static class MetricsText
{
    public static string Render(MetricRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The value of the sample line that starts with <paramref name="seriesPrefix"/> (name plus label block), or null.</summary>
    public static double? Value(string text, string seriesPrefix)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(seriesPrefix + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(seriesPrefix.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
