using System.CommandLine;
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
        var command = new Command("run", "Run the service: jobs on their schedules, /metrics, /healthz and /readyz.") { config };
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

            await using var app = VigilHost.Build(options);
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

            await Console.Out.WriteLineAsync($"Vigil {options.Origin}: {options.Jobs.Count} job(s); metrics at {string.Join(", ", app.Urls.Select(u => u + "/metrics"))}");
            await app.WaitForShutdownAsync(cancellationToken);
            return CliEnvironment.Ok;
        });
        return command;
    }
}
