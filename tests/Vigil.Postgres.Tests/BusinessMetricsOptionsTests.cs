using Vigil.Configuration;
namespace Vigil.Postgres.Tests;

public sealed class BusinessMetricsOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(new BusinessMetricsOptions().Validate());
    }

    [Fact]
    public void Validate_SeveralBadFields_ListsEveryErrorWithItsField()
    {
        var options = new BusinessMetricsOptions
        {
            Ingest = new IngestOptions { MaxBodyBytes = 10, BearerToken = "" },
            Aggregation = new AggregationOptions
            {
                Interval = TimeSpan.Zero,
                MaxMinutesPerRun = 0,
                EventTypes = ["ok", "not ok"],
                SumFields = new Dictionary<string, string> { ["order"] = "amount; DROP TABLE x" },
                StartAt = new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero),
            },
            Detector = new Vigil.Core.Detection.DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "1" }),
        };

        var errors = options.Validate();

        Assert.Equal(
            ["ingest.bearer_token", "ingest.max_body_bytes", "aggregation.interval", "aggregation.max_minutes_per_run", "aggregation.start_at", "aggregation.event_types[1]", "aggregation.sum_fields.order", "detector.window"],
            errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public void ValidateOrThrow_Invalid_OneExceptionListingAll()
    {
        var options = new BusinessMetricsOptions { Aggregation = new AggregationOptions { MaxMinutesPerRun = 0, MaxDirtyMinutesPerRun = 0 } };

        var ex = Assert.Throws<ConfigException>(() => options.ValidateOrThrow());

        Assert.Contains("max_minutes_per_run", ex.Message, StringComparison.Ordinal);
        Assert.Contains("max_dirty_minutes_per_run", ex.Message, StringComparison.Ordinal);
    }
}
