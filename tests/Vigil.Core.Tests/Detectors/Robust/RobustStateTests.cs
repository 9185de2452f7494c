using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Robust;

public sealed class RobustStateTests
{
    [Fact]
    public void ReadState_Version2WithoutBinning_RestoresAndScoresAlike()
    {
        // Version 2 snapshots (written before the histogram's binning was saved) must still restore: the window is
        // re-binned from its values, so the band may differ by the histogram's resolution, never by more.
        var values = Synthetic.Daily(2000, 100, 10, 1, seed: 7);
        var original = Synthetic.Create("robust").CreateSeries();
        Synthetic.Run(original, values[..1200]);
        var v3 = Serialise(original);

        // v3 = version, ring (count + doubles), head, then binning (bool + 2 doubles), then the series fields.
        var ringEnd = 1 + 4 + (8 * BitConverter.ToInt32(v3, 1)) + 4;
        byte[] v2 = [2, .. v3.AsSpan(1, ringEnd - 1), .. v3.AsSpan(ringEnd + 17)];
        var restored = Synthetic.Create("robust").CreateSeries();
        using (var reader = new BinaryReader(new MemoryStream(v2)))
        {
            ((ISerializableSeriesDetector)restored).ReadState(reader);
            Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);
        }

        var expected = Synthetic.Run(original, values[1200..], 1200);
        var actual = Synthetic.Run(restored, values[1200..], 1200);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Expected, actual[i].Expected, 9);
            var width = expected[i].Upper - expected[i].Lower;
            Assert.InRange(actual[i].Upper - actual[i].Lower, 0.95 * width, 1.05 * width);
        }
    }

    [Fact]
    public void ReadState_CorruptBinning_ThrowsInvalidData()
    {
        var series = Synthetic.Create("robust").CreateSeries();
        Synthetic.Run(series, Synthetic.Noise(300, 5, 1, seed: 3));
        var state = Serialise(series);
        var ringEnd = 1 + 4 + (8 * BitConverter.ToInt32(state, 1)) + 4;
        Assert.Equal(1, state[ringEnd]); // built
        BitConverter.GetBytes(-1.0).CopyTo(state, ringEnd + 9); // a negative bin width

        var restored = (ISerializableSeriesDetector)Synthetic.Create("robust").CreateSeries();
        using var reader = new BinaryReader(new MemoryStream(state));
        var error = Assert.Throws<InvalidDataException>(() => restored.ReadState(reader));
        Assert.Contains("binning", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Serialise(ISeriesDetector series)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            ((ISerializableSeriesDetector)series).WriteState(writer);
        }

        return buffer.ToArray();
    }
}
