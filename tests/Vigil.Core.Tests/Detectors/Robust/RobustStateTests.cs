using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Robust;

public sealed class RobustStateTests
{
    [Fact]
    public void ReadState_CorruptBinning_ThrowsInvalidData()
    {
        var series = Synthetic.Create("robust").CreateSeries();
        Synthetic.Run(series, Synthetic.Noise(300, 5, 1, seed: 3));
        var state = Serialise(series);
        // The contract's header (501 bytes: version 5 added the shift test's autocorrelation, 6 the near-edge flags, 8 the variance test, 10 the slow shift test's 49, 11 the routine excursions' 56, 12 the slow test's daily-shape reference's 17, 14 the return memory's 44, 15 the count shift test's 93, 17 the count shift test's hours of the day's 208 and the shift test's learned-shift marks' 16, 18 the count-aware return memory's 32, 19 the routine bursts' 28, 21 the count shift test's hours written as a mask and the hours seen (here none: 192 fewer) with the rise side's two visits and its hour in progress, 24 more, 22 the return memory's curve, 4, 23 the count shift test's usual rate, 8, 24 the count shift test's evidence starts, 16), its recent points (count + 21 bytes each), then the window: ring (count +
        // doubles), head, then the binning (bool + 2 doubles).
        var recent = BitConverter.ToInt32(state, 501);
        var window = 501 + 4 + (21 * recent);
        var ringEnd = window + 4 + (8 * BitConverter.ToInt32(state, window)) + 4;
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
