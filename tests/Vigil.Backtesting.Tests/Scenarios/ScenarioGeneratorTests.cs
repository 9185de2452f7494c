using Vigil.Backtesting.Scenarios;

namespace Vigil.Backtesting.Tests.Scenarios;

public sealed class ScenarioGeneratorTests
{
    private static readonly ScenarioSuiteOptions Suite = ScenarioSuiteOptions.Reduced;

    [Fact]
    public void Generate_SameSeed_GivesIdenticalSeriesAndIncidents()
    {
        var a = ScenarioGenerator.Generate(Suite);
        var b = ScenarioGenerator.Generate(Suite);

        Assert.Equal(a.Count, b.Count);
        for (var s = 0; s < a.Count; s++)
        {
            Assert.Equal(a[s].Name, b[s].Name);
            Assert.Equal(a[s].TimestampsMs, b[s].TimestampsMs);
            Assert.Equal(a[s].Values, b[s].Values);
            Assert.Equal(a[s].Incidents, b[s].Incidents);
        }
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentSeriesAndSchedules()
    {
        var a = ScenarioGenerator.Generate(Suite);
        var b = ScenarioGenerator.Generate(Suite with { Seed = 2 });

        for (var s = 0; s < a.Count; s++)
        {
            if (a[s].Kind == SeriesKind.FlatGauge)
            {
                // A flat gauge's clean values are one constant from a handful: compare the schedules instead.
                Assert.NotEqual(a[s].Incidents, b[s].Incidents);
                continue;
            }

            Assert.NotEqual(a[s].Values, b[s].Values);
        }
    }

    [Fact]
    public void Generate_Suite_HasEveryKindAndOneMinuteStepsOverTheConfiguredDays()
    {
        var suite = ScenarioGenerator.Generate(Suite);

        Assert.Equal(Enum.GetValues<SeriesKind>().Length * Suite.SeriesPerKind, suite.Count);
        Assert.All(Enum.GetValues<SeriesKind>(), kind => Assert.Equal(Suite.SeriesPerKind, suite.Count(s => s.Kind == kind)));
        foreach (var s in suite)
        {
            Assert.Equal(Suite.Days * ScenarioGenerator.PointsPerDay, s.Count);
            Assert.Equal(Suite.Start.ToUnixTimeMilliseconds(), s.TimestampsMs[0]);
            Assert.All(Enumerable.Range(1, s.Count - 1), i => Assert.Equal(ScenarioGenerator.StepMs, s.TimestampsMs[i] - s.TimestampsMs[i - 1]));
        }
    }

    [Fact]
    public void Generate_FullWeek_InjectsEveryIncidentKind()
    {
        var suite = ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 1 });
        var kinds = suite.SelectMany(s => s.Incidents).Select(i => i.Kind).ToHashSet();

        Assert.Equal(Enum.GetValues<IncidentKind>().ToHashSet(), kinds);
    }

    [Fact]
    public void Generate_Schedule_KeepsHistoryCleanSpacesIncidentsAndEndsWithTheLevelShift()
    {
        foreach (var s in ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 2 }))
        {
            var incidents = s.Incidents;
            Assert.True(incidents[0].Start >= ScenarioGenerator.HistoryPoints, s.Name);
            for (var i = 1; i < incidents.Count; i++)
            {
                Assert.True(incidents[i].Start - incidents[i - 1].End >= ScenarioGenerator.MinGapPoints, $"{s.Name}: incident {i} follows too closely");
            }

            var shift = incidents[^1];
            Assert.Equal(IncidentKind.LevelShift, shift.Kind);
            Assert.Equal(s.Count - ScenarioGenerator.AfterShiftPoints, shift.Start);
            Assert.Equal(s.Count, shift.End);
            Assert.Single(incidents, i => i.Kind == IncidentKind.LevelShift);
        }
    }

    [Fact]
    public void Generate_IncidentDurationsAndMagnitudes_StayInTheirRanges()
    {
        foreach (var s in ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 2 }))
        {
            foreach (var i in s.Incidents)
            {
                var (minLength, maxLength, minMagnitude, maxMagnitude) = i.Kind switch
                {
                    IncidentKind.Spike => (1, 3, 2.0, 12.0),
                    IncidentKind.Step => (30, 120, 1.5, 4.0),
                    IncidentKind.Drop => (60, 240, 0.0, 0.9),
                    IncidentKind.Ramp => (60, 180, 2.0, 4.0),
                    IncidentKind.VarianceBurst => (30, 90, 4.0, 8.0),
                    IncidentKind.MissingPeak => (480, 480, 0.0, 0.0),
                    _ => (ScenarioGenerator.AfterShiftPoints, ScenarioGenerator.AfterShiftPoints, 0.25, 3.5),
                };
                Assert.InRange(i.Length, minLength, maxLength);
                Assert.InRange(i.Magnitude, minMagnitude, maxMagnitude);
            }
        }
    }

    [Fact]
    public void Generate_MissingPeak_OnlyOnSeasonalKindsAndAt10To18()
    {
        foreach (var s in ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 3 }))
        {
            foreach (var peak in s.Incidents.Where(i => i.Kind == IncidentKind.MissingPeak))
            {
                Assert.Contains(s.Kind, new[] { SeriesKind.RequestRate, SeriesKind.Utilisation, SeriesKind.BusinessEvents });
                var start = DateTimeOffset.FromUnixTimeMilliseconds(s.TimestampsMs[peak.Start]);
                Assert.Equal(new TimeSpan(10, 0, 0), start.TimeOfDay);
            }
        }
    }

    [Fact]
    public void Generate_WithoutIncidents_DiffersOnlyInsideTheLabelledWindows()
    {
        var withIncidents = ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 2 });
        var clean = ScenarioGenerator.Generate(new ScenarioSuiteOptions { SeriesPerKind = 2, InjectIncidents = false });

        for (var s = 0; s < withIncidents.Count; s++)
        {
            var a = withIncidents[s];
            var b = clean[s];
            Assert.Empty(b.Incidents);
            for (var i = 0; i < a.Count; i++)
            {
                if (!a.Incidents.Any(x => x.Contains(i)))
                {
                    Assert.True(a.Values[i] == b.Values[i], $"{a.Name}[{i}] changed outside every incident");
                }
            }

            foreach (var incident in a.Incidents)
            {
                var inside = Enumerable.Range(incident.Start, incident.Length);
                switch (incident.Kind)
                {
                    case IncidentKind.Spike:
                        Assert.All(inside, i => Assert.True(a.Values[i] > b.Values[i] || a.Values[i] == 1.0, $"{a.Name}: spike at {i} is not above normal"));
                        break;
                    case IncidentKind.Step:
                        Assert.True(inside.Average(i => a.Values[i]) > inside.Average(i => b.Values[i]), $"{a.Name}: step at {incident.Start} is not above normal");
                        break;
                    case IncidentKind.Drop:
                        Assert.True(inside.Average(i => a.Values[i]) < inside.Average(i => b.Values[i]), $"{a.Name}: drop at {incident.Start} is not below normal");
                        break;
                    case IncidentKind.VarianceBurst:
                        Assert.True(Spread(inside.Select(i => a.Values[i])) > Spread(inside.Select(i => b.Values[i])), $"{a.Name}: burst at {incident.Start} is not wider");
                        break;
                    case IncidentKind.MissingPeak:
                        Assert.True(inside.Average(i => a.Values[i]) < inside.Average(i => b.Values[i]), $"{a.Name}: the peak at {incident.Start} did not go missing");
                        break;
                }
            }
        }
    }

    [Fact]
    public void Generate_Values_AreFiniteAndWithinWhatEachMetricCanHold()
    {
        foreach (var s in ScenarioGenerator.Generate(Suite))
        {
            Assert.All(s.Values, v => Assert.True(double.IsFinite(v) && v >= 0, $"{s.Name}: {v}"));
            if (s.Kind is SeriesKind.Utilisation or SeriesKind.ErrorRatio)
            {
                Assert.All(s.Values, v => Assert.InRange(v, 0.0, 1.0));
            }

            if (s.Kind == SeriesKind.FlatGauge)
            {
                var firstIncident = s.Incidents[0].Start;
                Assert.Single(s.Values.Take(firstIncident).Distinct());
            }
        }
    }

    [Fact]
    public void Validate_OutOfRangeOptions_NamesEveryProblem()
    {
        var errors = new ScenarioSuiteOptions { SeriesPerKind = 0, Days = 2 }.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSuiteOptions { Days = 1 }));
    }

    private static double Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        return list.Sum(v => (v - mean) * (v - mean));
    }
}
