using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Backtesting.Scenarios;
using Vigil.Configuration;
using Vigil.Core.Detection;

namespace Vigil.Cli;

/// <summary>
/// <c>vigil bench scenarios</c>: runs detectors over the generated operational scenario suite (issue #10) and prints
/// what an on-call engineer would have seen: incidents detected, scores held through steps and drops, alarms on the
/// return to normal, false alarms on clean stretches, adaptation to a permanent shift, bands equal to the value.
/// </summary>
internal static class BenchScenariosCommand
{
    private const string All = "all";
    private const string AdaptAfterKey = "adapt_after";

    public static Command Create()
    {
        var detector = new Option<string>("--detector", "-d") { Description = "Detector type, or 'all' for every streaming detector.", DefaultValueFactory = _ => DetectorSpec.Default.Type };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Detector parameter as name=value, repeatable (one detector only). adapt_after=DURATION also sets the adaptation checked." };
        var seed = new Option<int>("--seed") { Description = "Suite seed: the same seed generates the same series.", DefaultValueFactory = _ => new ScenarioSuiteOptions().Seed };
        var perKind = new Option<int?>("--series-per-kind") { Description = "Series per kind (default 4; 2 with --reduced)." };
        var reduced = new Option<bool>("--reduced") { Description = "The reduced suite CI runs: 2 series per kind, 4 days each." };
        var adaptAfter = new Option<string?>("--adapt-after") { Description = "When a permanent shift must be normal (e.g. 6h). Default: the adapt_after parameter if given, else 6h." };
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Write <out>/<detector>/<series>.csv (timestamp,value,score,expected,lower,upper,label,status) and incidents.csv." };
        var scenarios = new Command("scenarios", "Run detectors over generated Prometheus-like series with labelled incidents (request rates, latency, counts, "
            + "utilisation, error ratios, flat gauges, business events; spikes, steps, drops, ramps, variance bursts, missing peaks, level shifts) and check the targets of docs/benchmarks.md.")
        {
            detector, parameters, seed, perKind, reduced, adaptAfter, output,
        };
        scenarios.SetAction(parse => Run(
            parse.GetValue(detector)!,
            parse.GetValue(parameters) ?? [],
            parse.GetValue(seed),
            parse.GetValue(perKind),
            parse.GetValue(reduced),
            parse.GetValue(adaptAfter),
            parse.GetValue(output)));
        return scenarios;
    }

    private static int Run(string type, string[] parameterTexts, int seed, int? perKind, bool reduced, string? adaptAfterText, DirectoryInfo? output)
    {
        var registry = DetectorRegistry.CreateDefault();
        var types = string.Equals(type, All, StringComparison.OrdinalIgnoreCase) ? registry.Types.ToArray() : [type];
        if (types.Length > 1 && parameterTexts.Length > 0)
        {
            Console.Error.WriteLine("--param: parameters apply to one detector; give --detector TYPE");
            return CliEnvironment.InvalidConfig;
        }

        var suite = (reduced ? ScenarioSuiteOptions.Reduced : new ScenarioSuiteOptions()) with { Seed = seed };
        if (perKind is { } n)
        {
            suite = suite with { SeriesPerKind = n };
        }

        var suiteErrors = suite.Validate();
        if (suiteErrors.Count > 0)
        {
            Console.Error.WriteLine($"--series-per-kind: {string.Join("; ", suiteErrors)}");
            return CliEnvironment.InvalidConfig;
        }

        if (AdaptAfter(adaptAfterText, parameterTexts) is not { } adaptAfter)
        {
            return CliEnvironment.InvalidConfig;
        }

        var detectors = new List<IDetector>();
        foreach (var t in types)
        {
            if (DetectorArguments.TryCreate(registry, t, parameterTexts) is not { } d)
            {
                return CliEnvironment.InvalidConfig;
            }

            detectors.Add(d);
        }

        var series = ScenarioGenerator.Generate(suite);
        var evaluator = new ScenarioEvaluator(new ScenarioEvaluationOptions { AdaptAfter = adaptAfter });
        var reports = new List<ScenarioReport>();
        try
        {
            foreach (var d in detectors)
            {
                reports.Add(output is null ? evaluator.Evaluate(d, series) : EvaluateAndWrite(evaluator, d, series, output));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench scenarios: {ex.Message}");
            return CliEnvironment.Failure;
        }

        AnsiConsole.MarkupLineInterpolated(
            $"Scenario suite: seed {suite.Seed}, {series.Count} series ({suite.SeriesPerKind} per kind) × {suite.Days} days at 1-minute steps, {series.Sum(s => s.Incidents.Count)} incidents; adapt_after {Duration.Format(adaptAfter)}");
        PrintSummary(reports);
        PrintByIncident(reports);
        PrintBySeries(reports);
        if (reports.Count == 1)
        {
            PrintTargets(reports[0]);
        }

        if (output is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"Per-series scores written under [bold]{output.FullName}[/]");
        }

        return CliEnvironment.Ok;
    }

    private static TimeSpan? AdaptAfter(string? option, string[] parameterTexts)
    {
        var text = option ?? parameterTexts
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && string.Equals(p[0].Trim(), AdaptAfterKey, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim())
            .LastOrDefault();
        if (text is null)
        {
            return ScenarioEvaluationOptions.DefaultAdaptAfter;
        }

        if (!Duration.TryParse(text, out var value) || value <= TimeSpan.Zero)
        {
            Console.Error.WriteLine($"--adapt-after: '{text}' is not a positive duration (e.g. 6h, 90m)");
            return null;
        }

        return value;
    }

    private static ScenarioReport EvaluateAndWrite(ScenarioEvaluator evaluator, IDetector detector, IReadOnlyList<Scenario> series, DirectoryInfo output)
    {
        var dir = Directory.CreateDirectory(Path.Combine(output.FullName, detector.Type));
        using var incidents = new StreamWriter(Path.Combine(dir.FullName, "incidents.csv"));
        ScenarioCsv.WriteIncidentsHeader(incidents);
        return evaluator.Evaluate(detector, series, run =>
        {
            using var writer = new StreamWriter(Path.Combine(dir.FullName, run.Scenario.Name + ".csv"));
            ScenarioCsv.WriteSeries(run, writer);
            ScenarioCsv.WriteIncidents(run, incidents);
        });
    }

    private static void PrintSummary(IReadOnlyList<ScenarioReport> reports)
    {
        // Figures as rows and detectors as columns, so every detector fits an 80-column terminal.
        var table = new Table().Title("Scenario suite").AddColumns("figure", "target");
        foreach (var r in reports)
        {
            table.AddColumn(new TableColumn(r.Detector).RightAligned());
        }

        var checks = reports.Select(r => ScenarioTargets.Check(r.Overall)).ToArray();
        for (var row = 0; row < checks[0].Count; row++)
        {
            table.AddRow([Markup.Escape(checks[0][row].Label), Markup.Escape(checks[0][row].Target), .. checks.Select(c => Markup.Escape(c[row].Actual))]);
        }

        table.AddRow(["targets met", "8/8", .. checks.Select(c => $"{c.Count(x => x.Met)}/{c.Count}")]);
        table.AddRow(["unscored points", string.Empty, .. reports.Select(r => r.Overall.UnscoredPoints.ToString(CultureInfo.InvariantCulture))]);
        table.AddRow(["ns per point", string.Empty, .. reports.Select(r => (r.DetectionTime.TotalNanoseconds / Math.Max(1, r.Points)).ToString("F0", CultureInfo.InvariantCulture))]);
        AnsiConsole.Write(table);
    }

    private static void PrintByIncident(IReadOnlyList<ScenarioReport> reports)
    {
        var table = new Table().Title("Incidents detected by kind (recovery alarms)").AddColumn("incident");
        foreach (var r in reports)
        {
            table.AddColumn(r.Detector);
        }

        foreach (var kind in Enum.GetValues<IncidentKind>())
        {
            var row = new List<string> { ScenarioNames.Of(kind) };
            foreach (var r in reports)
            {
                row.Add(r.ByIncidentKind.TryGetValue(kind, out var m)
                    ? $"{m.Detected}/{m.Incidents} ({(kind == IncidentKind.LevelShift ? "-" : m.RecoveryAlarms.ToString(CultureInfo.InvariantCulture))})"
                    : "-");
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
    }

    private static void PrintBySeries(IReadOnlyList<ScenarioReport> reports)
    {
        var table = new Table().Title("By series kind: incidents detected, false alarms per series-day").AddColumn("series");
        foreach (var r in reports)
        {
            table.AddColumn(r.Detector);
        }

        foreach (var kind in Enum.GetValues<SeriesKind>())
        {
            var row = new List<string> { ScenarioNames.Of(kind) };
            foreach (var r in reports)
            {
                row.Add(r.BySeriesKind.TryGetValue(kind, out var m)
                    ? $"{m.Detected}/{m.Incidents}, {ScenarioTargets.Number(m.FalseAlarmsPerSeriesDay)}"
                    : "-");
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
    }

    private static void PrintTargets(ScenarioReport report)
    {
        var table = new Table().Title($"Targets ({report.Detector})").AddColumns("figure", "target", "measured", "counts", "met");
        foreach (var check in ScenarioTargets.Check(report.Overall))
        {
            table.AddRow(Markup.Escape(check.Name), Markup.Escape(check.Target), Markup.Escape(check.Actual), Markup.Escape(check.Detail), check.Met ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
    }
}
