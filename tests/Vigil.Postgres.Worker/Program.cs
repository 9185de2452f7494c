using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Postgres;
using Vigil.Postgres.Aggregation;

// Usage: Vigil.Postgres.Worker aggregate <connection-string> <max-minutes-per-run> [stepped]
//        Vigil.Postgres.Worker lead <connection-string>
// "stepped": before each run, read a line from stdin ("go": one run; "free": run freely from now on), so a test
// controls progress and can kill the process inside a chosen transaction on a fast or a slow machine alike.
// "aggregate" runs bounded aggregation transactions until caught up, retrying database failures (PostgreSQL may be
// restarted under it), then exits 0. "lead" takes the leader lock, prints LEADER and waits to be killed.
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: aggregate <connection-string> <max-minutes> | lead <connection-string>");
    return 2;
}

await using var dataSource = NpgsqlDataSource.Create(args[1]);
var options = new BusinessMetricsOptions
{
    Aggregation = new AggregationOptions
    {
        MaxMinutesPerRun = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1440,
        SettleDelay = TimeSpan.Zero,
        Interval = TimeSpan.FromSeconds(1),
    },
};
var telemetry = new BusinessMetricsTelemetry();
switch (args[0])
{
    case "aggregate":
        var aggregator = new Aggregator(dataSource, options, TimeProvider.System, telemetry, NullLogger<Aggregator>.Instance);
        var stepped = args.Length > 3 && args[3] == "stepped";
        var runs = 0;
        var awaitingStep = stepped;
        while (true)
        {
            if (awaitingStep && await Console.In.ReadLineAsync() is var command && command != "go")
            {
                stepped = command != "free" ? throw new InvalidOperationException($"unknown step command '{command}'") : false;
            }

            try
            {
                var result = await aggregator.RunOnceAsync();
                runs++;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RUN {runs} {result.Minutes} minutes {result.Elapsed.TotalMilliseconds:F0} ms"));
                awaitingStep = stepped;
                if (result.CaughtUp)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {runs}"));
                    return 0;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // PostgreSQL restarting: drop dead pooled connections and retry.
                await Console.Error.WriteLineAsync($"ERR {ex.GetType().Name}: {ex.Message}");
                NpgsqlConnection.ClearAllPools();
                awaitingStep = false; // retry the released run without waiting for another step
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

    case "lead":
        await using (var lease = new LeaderLease(dataSource, options, telemetry, NullLogger<LeaderLease>.Instance))
        {
            while (!await lease.TryAcquireOrConfirmAsync())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            Console.WriteLine("LEADER");
            await Task.Delay(Timeout.InfiniteTimeSpan);
        }

        return 0;

    default:
        await Console.Error.WriteLineAsync($"unknown mode {args[0]}");
        return 2;
}
