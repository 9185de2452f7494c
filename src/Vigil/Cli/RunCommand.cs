using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;

namespace Vigil.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "YAML configuration (default: $VIGIL_CONFIG; without one, PROMQL_QUERY or the embedded replay demo).",
        };
        var command = new Command("run", "Run the service: jobs on their schedules, /metrics, /healthz and /readyz. Exit codes: 0 stopped, 1 runtime failure (e.g. port in use), 2 invalid configuration.") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var env = CliEnvironment.Variables();
            var path = parse.GetValue(config)?.FullName ?? (env.TryGetValue("VIGIL_CONFIG", out var fromEnv) && !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv : null);
            VigilOptions options;
            try
            {
                options = new ConfigLoader(VigilDetectors.ForValidation()).Load(path, env);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return CliEnvironment.InvalidConfig;
            }

            // Checked before the host starts, so a busy port is one line rather than a hosting failure with a stack trace.
            if (PortInUse(options.Server) is { } busy)
            {
                await Console.Error.WriteLineAsync(busy);
                return CliEnvironment.Failure;
            }

            await using var app = VigilHost.Build(options);
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Run");
            if (StartupChecks.CreateJobs(app.Services) is { } jobError)
            {
                // A job that cannot start (e.g. its model file is missing or corrupt): fail fast, say which file and why.
                await Console.Error.WriteLineAsync(jobError);
                return CliEnvironment.InvalidConfig;
            }

            var (rejected, unreachable) = await StartupChecks.CheckQueriesAsync(options, app.Services, cancellationToken);
            if (rejected.Count > 0)
            {
                // A query Prometheus cannot parse would fail every cycle: refuse to start, with the job's path.
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, rejected));
                return CliEnvironment.InvalidConfig;
            }

            if (unreachable is not null)
            {
                // Prometheus down at start is not fatal: the cycles retry, count prometheus_query errors and /readyz says so.
                RunLog.QueriesNotChecked(log, unreachable);
            }

            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is ConfigException or JobStartException)
            {
                // A job that cannot start (e.g. its model file is missing or corrupt): fail fast, say which file and why.
                await Console.Error.WriteLineAsync(ex.Message);
                return CliEnvironment.InvalidConfig;
            }
            catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested || cancellationToken.IsCancellationRequested)
            {
                // SIGTERM (or Ctrl+C) while the services were still starting: the operator asked to stop, so this is a
                // clean stop, not a failed start; what had started is stopped within the grace period.
                using var grace = new CancellationTokenSource(options.Server.ShutdownGrace);
                await app.StopAsync(grace.Token);
                return CliEnvironment.Ok;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // Lost the race with another process between the check above and Kestrel's bind.
                RunLog.StartFailed(log, ex);
                await Console.Error.WriteLineAsync(AddressInUse(options.Server));
                return CliEnvironment.Failure;
            }

            var urls = string.Join(", ", app.Urls.Select(u => u + "/metrics"));
            var whatRuns = string.Join("; ", options.DescribeWhatRuns());
            if (options.Logging.Format == "json")
            {
                // Every stdout line is JSON in this format, the banner included.
                RunLog.Started(log, whatRuns, options.Origin, urls);
            }
            else
            {
                await Console.Out.WriteLineAsync($"Vigil: {whatRuns}; configuration: {options.Origin}; metrics at {urls}");
            }

            await app.WaitForShutdownAsync(cancellationToken);
            return CliEnvironment.Ok;
        });
        return command;
    }

    private static string AddressInUse(ServerOptions server)
        => $"vigil run: cannot listen on {server.ListenAddress}:{server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}: address already in use (another Vigil? set server.port or LISTEN_PORT)";

    private static string? PortInUse(ServerOptions server)
    {
        if (server.Port == 0)
        {
            return null;
        }

        var address = server.ListenAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(server.ListenAddress);
        try
        {
            using var probe = new TcpListener(address, server.Port);
            probe.Start();
            probe.Stop();
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return AddressInUse(server);
        }
    }
}

internal static partial class RunLog
{
    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Vigil started: {WhatRuns}; configuration: {Origin}; metrics at {Urls}")]
    public static partial void Started(ILogger logger, string whatRuns, string origin, string urls);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "queries not checked at start-up: {Reason}")]
    public static partial void QueriesNotChecked(ILogger logger, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "start-up failed")]
    public static partial void StartFailed(ILogger logger, Exception exception);
}
