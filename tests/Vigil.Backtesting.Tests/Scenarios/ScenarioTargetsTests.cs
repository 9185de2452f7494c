using Vigil.Backtesting.Scenarios;
using Vigil.Core.Detection;
using Xunit.Abstractions;

namespace Vigil.Backtesting.Tests.Scenarios;

/// <summary>
/// The issue #10 targets for the default detector on the reduced scenario suite (what CI runs). Expected to fail until
/// the detector redesign lands: the figures are measured, never adjusted to pass. Filter with
/// <c>--filter Category=ScenarioTargets</c> (or <c>Category!=ScenarioTargets</c>).
/// </summary>
[Trait("Category", "ScenarioTargets")]
public sealed class ScenarioTargetsTests(ITestOutputHelper output)
{
    [Fact]
    public void Evaluate_DefaultDetectorOnReducedSuite_MeetsEveryTarget()
    {
        var suite = ScenarioGenerator.Generate(ScenarioSuiteOptions.Reduced);
        var detector = DetectorRegistry.CreateDefault().Create(DetectorSpec.Default);

        var report = new ScenarioEvaluator(new ScenarioEvaluationOptions()).Evaluate(detector, suite);

        var checks = ScenarioTargets.Check(report.Overall);
        foreach (var check in checks)
        {
            output.WriteLine($"{(check.Met ? "met   " : "MISSED")} {check.Name}: {check.Actual} ({check.Detail}), target {check.Target}");
        }

        var missed = checks.Where(c => !c.Met).Select(c => $"{c.Name}: {c.Actual} ({c.Detail}), target {c.Target}").ToList();
        Assert.True(missed.Count == 0, $"{detector.Type} misses {missed.Count} of {checks.Count} targets on the reduced suite (seed {ScenarioSuiteOptions.Reduced.Seed}):\n" + string.Join('\n', missed));
    }
}
