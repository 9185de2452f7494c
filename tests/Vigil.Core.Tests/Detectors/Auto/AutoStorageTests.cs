using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// auto's buffers grow as points come (issue 15: the season-detection buffer and the contract's recent points start
/// small): a state written at any age, across every growth step, and read back continues with the same verdicts, bit
/// for bit, as the series that was never interrupted.
/// </summary>
public sealed class AutoStorageTests
{
    private static double[] Values()
    {
        // A daily sine (season 288 < fit_points, so the season ring is built), spikes, and a lasting shift that
        // adapt_after rebaselines from the recent points.
        var values = Synthetic.Daily(1400, 100, 10, 1, seed: 7);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += (i % 97 == 0 ? 80 : 0) + (i >= 900 ? 30 : 0);
        }

        return values;
    }

    [Theory]
    [InlineData("none", 0)]
    [InlineData("none", 8)]
    [InlineData("none", 9)]
    [InlineData("none", 17)]
    [InlineData("none", 47)]
    [InlineData("none", 49)]
    [InlineData("none", 193)]
    [InlineData("none", 257)]
    [InlineData("none", 300)]
    [InlineData("none", 513)]
    [InlineData("none", 599)]
    [InlineData("none", 601)]
    [InlineData("none", 950)]
    [InlineData("auto", 20)]
    [InlineData("auto", 48)]
    [InlineData("auto", 300)]
    [InlineData("auto", 700)]
    public void ReadState_AtAnyAge_ContinuesWithTheSameVerdicts(string transform, int age)
    {
        var detector = Synthetic.Create("auto", ("transform", transform));
        var values = Values();
        var uninterrupted = Synthetic.Run(detector, values);

        var first = (ISerializableSeriesDetector)detector.CreateSeries();
        Synthetic.Run(first, values[..age]);
        var restored = Synthetic.Restore(detector, first);

        var rest = Synthetic.Run(restored, values[age..], age);

        Assert.Equal(uninterrupted[age..], rest);
        Assert.Contains(uninterrupted[age..], v => v.IsAnomaly); // the spikes and the shift are judged, not only warm-up
    }
}
