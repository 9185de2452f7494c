using System.Buffers;
using System.Text;

namespace Vigil.Exposition.Tests;

internal static class TestRender
{
    public static string Render(Action<ExpositionWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ExpositionWriter(buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Render(MetricRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
