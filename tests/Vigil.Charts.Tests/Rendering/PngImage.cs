using SkiaSharp;

namespace Vigil.Charts.Tests.Rendering;

/// <summary>Decodes a PNG and answers pixel questions about it.</summary>
internal sealed class PngImage : IDisposable
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly SKBitmap _bitmap;

    public PngImage(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith(Signature), "not a PNG: the signature is missing");
        _bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("the PNG does not decode");
    }

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    public SKColor this[int x, int y] => _bitmap.GetPixel(x, y);

    /// <summary>Pixels in the rectangle whose every channel is below 100 (text, lines), ignoring fully transparent ones.</summary>
    public int DarkPixels(int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var c = _bitmap.GetPixel(x, y);
                if (c.Alpha > 0 && c.Red < 100 && c.Green < 100 && c.Blue < 100)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>Pixels in the rectangle that are clearly red (anomaly markers).</summary>
    public int RedPixels()
    {
        var count = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var c = _bitmap.GetPixel(x, y);
                if (c.Red > 200 && c.Green < 60 && c.Blue < 60)
                {
                    count++;
                }
            }
        }

        return count;
    }

    public int DifferingPixels(PngImage other, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                if (_bitmap.GetPixel(x, y) != other[x, y])
                {
                    count++;
                }
            }
        }

        return count;
    }

    public void Dispose() => _bitmap.Dispose();
}
