using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

public sealed class DetectorSnapshotTests
{
    private static readonly DetectorSpec Spec = new("auto", new Dictionary<string, string> { ["k"] = "5" });

    private static Dictionary<Labels, ISeriesDetector> Warmed(IDetector detector, int points)
    {
        var result = new Dictionary<Labels, ISeriesDetector>();
        foreach (var instance in new[] { "a", "b" })
        {
            var series = detector.CreateSeries();
            Synthetic.Run(series, Synthetic.Daily(points, 100, 10, 1, seed: instance[0]));
            result[Labels.From(new Label("instance", instance))] = series;
        }

        return result;
    }

    [Fact]
    public void WriteRead_TwoSeries_RestoreIdenticalVerdicts()
    {
        var detector = DetectorRegistry.CreateDefault().Create(Spec);
        var original = Warmed(detector, 900);
        using var stream = new MemoryStream();
        Assert.Equal(2, DetectorSnapshot.Write(stream, DetectorSnapshot.Fingerprint(Spec), original));

        stream.Position = 0;
        var restored = new Dictionary<Labels, ISeriesDetector>();
        var (count, skipped) = DetectorSnapshot.Read(stream, DetectorSnapshot.Fingerprint(Spec), detector.CreateSeries, (l, s) => restored[l] = s);

        Assert.Equal((2, 0), (count, skipped));
        var next = Synthetic.Daily(300, 100, 10, 1, seed: 99);
        foreach (var (labels, series) in original)
        {
            Assert.Equal(Synthetic.Run(series, next, 900), Synthetic.Run(restored[labels], next, 900));
        }
    }

    [Fact]
    public void Read_DifferentParameters_RestoresNothing()
    {
        var detector = DetectorRegistry.CreateDefault().Create(Spec);
        using var stream = new MemoryStream();
        DetectorSnapshot.Write(stream, DetectorSnapshot.Fingerprint(Spec), Warmed(detector, 100));
        stream.Position = 0;

        var other = new DetectorSpec("auto", new Dictionary<string, string> { ["k"] = "6" });
        var (count, _) = DetectorSnapshot.Read(stream, DetectorSnapshot.Fingerprint(other), detector.CreateSeries, (_, _) => Assert.Fail("nothing should be restored"));

        Assert.Equal(0, count);
    }

    [Fact]
    public void Fingerprint_IgnoresParameterOrderAndCase()
    {
        var a = new DetectorSpec("ewma", new Dictionary<string, string> { ["alpha"] = "0.1", ["K"] = "3" });
        var b = new DetectorSpec("ewma", new Dictionary<string, string> { ["k"] = "3 ", ["alpha"] = "0.1" });

        Assert.Equal(DetectorSnapshot.Fingerprint(a), DetectorSnapshot.Fingerprint(b));
    }

    [Fact]
    public void Read_NotASnapshot_ThrowsInvalidData()
    {
        using var stream = new MemoryStream("hello world"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => DetectorSnapshot.Read(stream, "x", () => null!, (_, _) => { }));
    }

    [Fact]
    public void Read_Truncated_ThrowsInvalidData()
    {
        var detector = DetectorRegistry.CreateDefault().Create(Spec);
        using var stream = new MemoryStream();
        DetectorSnapshot.Write(stream, DetectorSnapshot.Fingerprint(Spec), Warmed(detector, 100));
        using var truncated = new MemoryStream(stream.ToArray()[..(int)(stream.Length / 2)]);

        Assert.Throws<InvalidDataException>(() => DetectorSnapshot.Read(truncated, DetectorSnapshot.Fingerprint(Spec), detector.CreateSeries, (_, _) => { }));
    }
}
