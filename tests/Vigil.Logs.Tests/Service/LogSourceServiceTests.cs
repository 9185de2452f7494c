using System.Diagnostics;
using System.Net;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Service;
using Vigil.Logs.Sources.Files;
using Vigil.Logs.Sources.Syslog;
using Vigil.Pipeline.Telemetry;
using Vigil.Testing;

namespace Vigil.Logs.Tests.Service;

/// <summary>
/// The source loops on a fake clock: each poll happens when the test advances the clock by the poll interval, and the
/// test waits for the lines to arrive (a bounded wait on a condition, never a sleep that asserts timing).
/// </summary>
public sealed class LogSourceServiceTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private static LogSourceOptions FileSource(string directory) => new()
    {
        Name = "app",
        Format = LogFormat.None,
        File = new FileSourceOptions { Include = [Path.Combine(directory, "app.log*")], PollInterval = Poll },
    };

    private static async Task PollOnceAsync(LogsHarness harness, SourceIngestor ingestor, long expectedLines, string what)
    {
        harness.Time.Advance(Poll);
        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested >= expectedLines, what);
    }

    [Fact]
    public async Task FileSource_RenameAndTruncateRotationThenRestart_NeitherLosesNorRereadsLines()
    {
        using var logs = new TempDirectory();
        using var state = new TempDirectory();
        var log = Path.Combine(logs.Path, "app.log");
        await File.WriteAllTextAsync(log, "service started on port 8080\nuser u101 logged in from 10.0.0.1\nuser u102 logged in from 10.0.0.2\n");
        var harness = new LogsHarness();
        var source = FileSource(logs.Path);
        var ingestor = harness.CreateIngestor(source, stateDirectory: state.Path);
        var sut = harness.CreateService(ingestor);

        await sut.StartAsync(CancellationToken.None);
        await sut.Started;
        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested == 3, "the first three lines");

        // Rename rotation: a line written to the old file just before the rename is still read, and the new file from its start.
        await File.AppendAllTextAsync(log, "user u103 logged in from 10.0.0.3\n");
        File.Move(log, log + ".1");
        await File.WriteAllTextAsync(log, "service reopened log after rotation\nuser u104 logged in from 10.0.0.4\n");
        await PollOnceAsync(harness, ingestor, 6, "the lines around the rename");

        // Truncate rotation (copytruncate): the file is read again from its start.
        await File.WriteAllTextAsync(log, "service truncated its log file\n");
        await PollOnceAsync(harness, ingestor, 7, "the line after the truncation");
        await sut.StopAsync(CancellationToken.None);
        var before = ingestor.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

        // Down: two lines arrive. The restarted source reads exactly those, then the marker written after it started.
        await File.AppendAllTextAsync(log, "user u105 logged in from 10.0.0.5\nuser u106 logged in from 10.0.0.6\n");
        var restarted = harness.CreateIngestor(source, stateDirectory: state.Path);
        var second = harness.CreateService(restarted);
        await second.StartAsync(CancellationToken.None);
        await second.Started;
        await LogsHarness.WaitUntilAsync(() => restarted.LinesIngested >= 2, "the lines written while down");
        await File.AppendAllTextAsync(log, "user u107 logged in from 10.0.0.7\n");
        await PollOnceAsync(harness, restarted, 3, "the marker line");
        await second.StopAsync(CancellationToken.None);

        Assert.Equal(7, before.Lines);
        Assert.Equal(7, before.Templates.Sum(t => t.Count));
        Assert.Equal(3, restarted.LinesIngested);
        var after = restarted.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var users = Assert.Single(after.Templates);
        Assert.Equal("user <*> logged in from <*>", users.Template);
        Assert.Equal(before.Templates.Single(t => t.Template == users.Template).Id, users.Id);
        Assert.Equal(0, harness.ErrorCount(ErrorTypes.LogSource));
    }

    [Fact]
    public async Task FileSource_IntervalsPassing_PublishCountsOnTheSeam()
    {
        using var logs = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(logs.Path, "app.log"), "job 1 done in 5ms\njob 2 done in 7ms\n");
        var harness = new LogsHarness();
        var ingestor = harness.CreateIngestor(FileSource(logs.Path));
        var sut = harness.CreateService(ingestor);
        await sut.StartAsync(CancellationToken.None);
        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested == 2, "the lines");

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await LogsHarness.WaitUntilAsync(() => harness.Sink.Batches > 0, "the interval's batch");
        await sut.StopAsync(CancellationToken.None);

        var points = harness.Sink.Points.Where(p => p.TimestampMs == harness.Sink.Points[0].TimestampMs).ToList();
        Assert.Equal(2, points.Sum(p => p.Value));
    }

    [Fact]
    public async Task FileSource_StateDirectoryNotWritable_CountsAnErrorAndKeepsReading()
    {
        using var logs = new TempDirectory();
        using var state = new TempDirectory();
        var blocked = Path.Combine(state.Path, "blocked");
        await File.WriteAllTextAsync(blocked, "a file where the state directory should be");
        var log = Path.Combine(logs.Path, "app.log");
        await File.WriteAllTextAsync(log, "first line of the log\n");
        var harness = new LogsHarness();
        var ingestor = harness.CreateIngestor(FileSource(logs.Path), stateDirectory: blocked);
        var sut = harness.CreateService(ingestor, checkpointInterval: TimeSpan.FromMilliseconds(1));
        await sut.StartAsync(CancellationToken.None);
        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested == 1, "the first line");

        await PollOnceAsync(harness, ingestor, 1, "a poll that saves");
        await LogsHarness.WaitUntilAsync(() => harness.ErrorCount(ErrorTypes.LogSource) > 0, "the counted save failure");
        await File.AppendAllTextAsync(log, "second line of the log\n");
        await PollOnceAsync(harness, ingestor, 2, "the line after the failure");
        await sut.StopAsync(CancellationToken.None);

        Assert.Equal(2, ingestor.LinesIngested);
    }

    /// <summary>
    /// Real sender: util-linux <c>logger --server</c> over UDP and TCP (RFC 5424, octet counting). Forwarding by a real
    /// rsyslog is tested in <see cref="RsyslogForwardingTests"/>.
    /// </summary>
    [Theory]
    [InlineData("--udp")]
    [InlineData("--tcp")]
    public async Task SyslogSource_LoggerSends_LinesMinedWithTheSyslogHeaderRemoved(string transport)
    {
        var harness = new LogsHarness();
        var source = new LogSourceOptions { Name = "syslog", Format = LogFormat.Syslog, Syslog = new SyslogOptions { UdpPort = 0, TcpPort = 0 } };
        var ingestor = harness.CreateIngestor(source);
        var sut = harness.CreateService(ingestor);
        await sut.StartAsync(CancellationToken.None);
        await sut.Started;
        var port = transport == "--udp" ? sut.Syslog!.UdpPort!.Value : sut.Syslog!.TcpPort!.Value;

        foreach (var user in new[] { "u1001", "u1002", "u1003" })
        {
            await SendAsync(transport, port, $"session opened for user {user} by uid 0");
        }

        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested == 3, "three syslog messages");
        await sut.StopAsync(CancellationToken.None);

        var template = Assert.Single(ingestor.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Templates);
        Assert.Equal(3, template.Count);
        Assert.StartsWith("session opened for user", template.Template, StringComparison.Ordinal);
    }

    private static async Task SendAsync(string transport, int port, string message)
    {
        var start = new ProcessStartInfo("logger") { RedirectStandardError = true };
        foreach (var arg in new[] { "--server", IPAddress.Loopback.ToString(), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), transport, "--rfc5424", "--tag", "vigil-test", message })
        {
            start.ArgumentList.Add(arg);
        }

        if (transport == "--tcp")
        {
            start.ArgumentList.Insert(start.ArgumentList.Count - 1, "--octet-count");
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }
}
