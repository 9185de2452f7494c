using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Vigil.Postgres.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.Postgres.Tests.Aggregation;

/// <summary>
/// Exactly-once under faults: a real child process aggregates a large backlog in small transactions and is
/// SIGKILLed at random moments (or PostgreSQL is crash-restarted under it); afterwards every minute must equal
/// a direct GROUP BY over the raw events.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class FaultToleranceTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Types = 6;
    private const int Minutes = 3 * 24 * 60;
    private const int EventsTotal = 400_000;

    [Fact]
    public async Task CatchUp_WorkerSigkilledAtRandomPoints_EveryMinuteMatchesGroupBy()
    {
        await using var db = await TestDb.CreateAsync(server);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await LoadBacklogAsync(db, random);
        output.WriteLine($"backlog loaded in {clock.Elapsed}");

        // Kill points are chosen by progress, not by time, so they land mid-catch-up on a fast or a slow machine:
        // the worker runs one transaction per "go"; after a random number of committed runs the test releases one
        // more and SIGKILLs the process 0-15 ms later, i.e. somewhere inside that transaction (before, during or
        // after its statement or its COMMIT).
        var kills = 0;
        while (kills < 6)
        {
            using var worker = StartWorker("aggregate", db.ConnectionString, "10", "stepped");
            Assert.True(await StepAsync(worker, random.Next(5, 60)), "worker finished before it could be interrupted");
            await worker.StandardInput.WriteLineAsync("go");
            await worker.StandardInput.FlushAsync();
            await Task.Delay(random.Next(0, 15)); // where inside the transaction the kill lands, not a wait for a condition
            worker.Kill(); // SIGKILL: no finally blocks, no rollback from the client side
            await worker.WaitForExitAsync();
            kills++;
        }

        using (var last = StartWorker("aggregate", db.ConnectionString, "10"))
        {
            Assert.True(await WaitForExitAsync(last, TimeSpan.FromMinutes(3)), "worker did not finish");
            output.WriteLine($"worker finished after {kills} kills at {clock.Elapsed}: {Summary(await last.StandardOutput.ReadToEndAsync())}");
            Assert.True(last.ExitCode == 0, $"worker exit code {last.ExitCode}: {await last.StandardError.ReadToEndAsync()}");
        }

        await AssertExactlyOnceAsync(db, seed);
    }

    [Fact]
    public async Task CatchUp_PostgresCrashRestartedMidRun_EveryMinuteMatchesGroupBy()
    {
        await using var db = await TestDb.CreateAsync(server);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await LoadBacklogAsync(db, random);

        using var worker = StartWorker("aggregate", db.ConnectionString, "10", "stepped");
        var restarts = 0;
        try
        {
            // Restart points chosen by progress (committed runs), so they land mid-catch-up at any machine speed:
            // release one more run and crash the server under it.
            while (restarts < 3)
            {
                Assert.True(await StepAsync(worker, random.Next(5, 60)), "worker finished before PostgreSQL could be restarted");
                await worker.StandardInput.WriteLineAsync("go");
                await worker.StandardInput.FlushAsync();
                await server.RestartImmediateAsync(); // SIGQUIT to the postmaster, then crash recovery
                restarts++;
                Assert.True(await StepAsync(worker, 0, expectRunLine: true), "worker did not recover from the restart");
            }

            await worker.StandardInput.WriteLineAsync("free");
            await worker.StandardInput.FlushAsync();

            Assert.True(await WaitForExitAsync(worker, TimeSpan.FromMinutes(3)), "worker did not finish");
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill();
            }
        }

        Assert.True(worker.ExitCode == 0, $"worker exit code {worker.ExitCode}: {await worker.StandardError.ReadToEndAsync()}");
        output.WriteLine($"worker finished after {restarts} restarts: {Summary(await worker.StandardOutput.ReadToEndAsync())}");
        db.DataSource.Clear(); // the test's own pooled connections died with the server
        await AssertExactlyOnceAsync(db, seed);
    }

    private static async Task AssertExactlyOnceAsync(TestDb db, int seed)
    {
        var minutes = await db.ScalarAsync<long>("SELECT count(*) FROM aggregated_metrics");
        Assert.True(minutes >= (long)Types * Minutes, $"only {minutes} rows aggregated (seed {seed})");
        Assert.Equal(0L, await db.MismatchesAgainstGroupByAsync());
        Assert.Equal((double)EventsTotal, await db.ScalarAsync<double>("SELECT sum(metric_value) FROM aggregated_metrics"));
    }

    /// <summary>Events spread unevenly over three days ending an hour ago (real clock: the worker uses the system clock).</summary>
    private static async Task LoadBacklogAsync(TestDb db, Random random)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 60 * 60).AddHours(-1);
        var start = end.AddMinutes(-Minutes);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        // Timestamps sorted, as live traffic arrives (roughly in time order): the heap is then correlated with
        // event_timestamp and each bounded run is an index range scan, as in production.
        var events = new (string Type, DateTimeOffset At)[EventsTotal];
        for (var i = 0; i < EventsTotal; i++)
        {
            // Skewed: low types get most of the traffic, and the last type has quiet hours (zero minutes).
            var type = Math.Min(Types - 1, (int)(-Math.Log(random.NextDouble() + 1e-12) * 1.5));
            var at = start.AddMilliseconds(random.NextDouble() * Minutes * 60_000);
            events[i] = (type == Types - 1 && at.Hour % 3 == 0 ? "type_0" : "type_" + type, at);
        }

        Array.Sort(events, (x, y) => x.At.CompareTo(y.At));
        await using (var writer = await connection.BeginBinaryImportAsync("COPY business_events (event_type, event_timestamp) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (type, at) in events)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(type, NpgsqlDbType.Varchar);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }

            await writer.CompleteAsync();
        }

        await using var types = new NpgsqlCommand(
            "INSERT INTO business_event_types SELECT event_type, date_bin('1 minute', min(event_timestamp), timestamptz '2000-01-01Z') FROM business_events GROUP BY 1; ANALYZE business_events",
            connection);
        await types.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Lets a stepped worker commit <paramref name="runs"/> transactions, one "go" and one RUN line at a time
    /// (with <paramref name="expectRunLine"/>, first waits for the RUN line of a run released earlier).
    /// False if it finished instead.
    /// </summary>
    private static async Task<bool> StepAsync(Process worker, int runs, bool expectRunLine = false)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var i = expectRunLine ? -1 : 0; i < runs; i++)
        {
            if (i >= 0)
            {
                await worker.StandardInput.WriteLineAsync("go");
                await worker.StandardInput.FlushAsync();
            }

            var line = await worker.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null || line.StartsWith("DONE", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Summary(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return $"{lines.Length - 1} runs in the last process, {lines.LastOrDefault()}";
    }

    internal static Process StartWorker(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Vigil.Postgres.Worker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    internal static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
