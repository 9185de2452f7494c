using System.Reflection;
using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;
using Xunit.Abstractions;

namespace Vigil.Core.Tests.Detection;

public sealed class TmpDiag(ITestOutputHelper output)
{
    private static object? F(object o, string name) => o.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(o);

    [Fact]
    public void Diag()
    {
        var random = new Random(5);
        const long M = 60_000;
        var values = new double[2480];
        for (var i = 0; i < values.Length; i++)
        {
            var lambda = i >= 2000 && i < 2180 ? 14.0 : 20.0;
            var limit = Math.Exp(-lambda); var k = 0; var p = 1.0;
            do { k++; p *= random.NextDouble(); } while (p > limit);
            values[i] = k - 1;
        }
        var det = Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "16"));
        var series = det.CreateSeries();
        object cs = series;
        while (cs.GetType().Name != "ContractSeries")
        {
            var f = cs.GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance).First(x => typeof(ISeriesDetector).IsAssignableFrom(x.FieldType) || x.FieldType.Name == "ContractSeries");
            cs = f.GetValue(cs)!;
        }
        for (var i = 0; i < values.Length; i++)
        {
            var v = series.Observe(Synthetic.StartMs + (i * M), values[i]);
            var slow = F(cs, "_slow")!;
            if (i >= 2030 && i < 2190 && i % 2 == 0)
            {
                output.WriteLine($"{i} {values[i]} e={v.Expected:F2} [{v.Lower:F2},{v.Upper:F2}] s={v.Score:F2} {v.Test} sig={v.Sigma:F2} inRun={F(cs, "_inRun")} runStart={((long)F(cs, "_runStartMs")! - Synthetic.StartMs) / 60000 } sUp={F(slow, "_up"):F2} sDn={F(slow, "_down"):F2} al={F(slow, "_alarmed")} ref={F(slow, "_reference"):F2} fastDn={F(cs, "_shiftDown"):F2}");
            }
        }
    }
}
