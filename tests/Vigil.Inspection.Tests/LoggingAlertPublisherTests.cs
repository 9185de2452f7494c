using Microsoft.Extensions.Logging;
using Vigil.Alerting;

namespace Vigil.Inspection.Tests;

public sealed class LoggingAlertPublisherTests
{
    [Fact]
    public async Task PublishAsync_SameKeyWithinWindow_LoggedOnceThenAgainAfterWindow()
    {
        var log = new ListLogger();
        var publisher = new LoggingAlertPublisher(log);

        var first = await publisher.PublishAsync(Alert(InspectionHarness.Start), CancellationToken.None);
        var repeat = await publisher.PublishAsync(Alert(InspectionHarness.Start.AddMinutes(29)), CancellationToken.None);
        var later = await publisher.PublishAsync(Alert(InspectionHarness.Start.AddMinutes(30)), CancellationToken.None);
        var shadow = await publisher.PublishAsync(Alert(InspectionHarness.Start, "b", shadow: true), CancellationToken.None);

        Assert.Equal([AlertPublishOutcome.Sent, AlertPublishOutcome.Deduplicated, AlertPublishOutcome.Sent, AlertPublishOutcome.Shadow], [first, repeat, later, shadow]);
        Assert.Equal(3, log.Lines.Count);
        Assert.Contains("ALERT warning VigilTestFinding [trend]", log.Lines[0], StringComparison.Ordinal);
        Assert.Contains("instance=\"a\"", log.Lines[0], StringComparison.Ordinal);
    }

    private static AlertEvent Alert(DateTimeOffset at, string instance = "a", bool shadow = false)
    {
        var f = InspectionHarness.Finding("trend", instance);
        return new AlertEvent { Source = "inspection", Sensor = f.Sensor, Name = f.AlertName, Severity = f.Severity, Labels = f.Labels, Summary = f.Summary, Description = f.Description, StartsAt = at, Shadow = shadow };
    }

    private sealed class ListLogger : ILogger<LoggingAlertPublisher>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add(formatter(state, exception));
    }
}
