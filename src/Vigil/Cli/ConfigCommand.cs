using System.CommandLine;
using Npgsql;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;
using Vigil.Postgres;

namespace Vigil.Cli;

internal static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The YAML configuration to validate." };
        var offline = new Option<bool>("--offline")
        {
            Description = "Skip the checks that need the network (queries sent to Prometheus, database reachability); model files are still checked.",
        };
        var check = new Command(
            "check",
            "Validate a configuration file (with the current environment overrides) as `run` does at start-up, print every error with its path and say what will run.")
        {
            file,
            offline,
        };
        check.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(path, CliEnvironment.Variables());
            if (errors.Count > 0 || options is null)
            {
                await PrintErrorsAsync(path, errors);
                return CliEnvironment.InvalidConfig;
            }

            // The same start-up validation as `run`: building the jobs loads their model files and checks their features;
            // online, each query is sent to Prometheus once and the database is opened.
            await using (var app = VigilHost.Build(options))
            {
                if (StartupChecks.CreateJobs(app.Services) is { } startUpError)
                {
                    await PrintErrorsAsync(path, [startUpError]);
                    return CliEnvironment.InvalidConfig;
                }

                if (!parse.GetValue(offline))
                {
                    var (rejected, unreachable) = await StartupChecks.CheckQueriesAsync(options, app.Services, cancellationToken);
                    if (rejected.Count > 0)
                    {
                        await PrintErrorsAsync(path, rejected);
                        return CliEnvironment.InvalidConfig;
                    }

                    // Not configuration errors (the server may just be down): the runtime-failure exit code.
                    var down = new List<string>();
                    if (unreachable is not null)
                    {
                        down.Add(unreachable + " (--offline skips this check)");
                    }

                    if (options.Business is not null && await DatabaseErrorAsync(options.Business, cancellationToken) is { } databaseError)
                    {
                        down.Add(databaseError);
                    }

                    if (down.Count > 0)
                    {
                        await PrintErrorsAsync(path, down);
                        return CliEnvironment.Failure;
                    }
                }
            }

            Console.WriteLine($"{path}: OK");
            Console.WriteLine($"  configuration: {options.Origin}");
            foreach (var line in options.DescribeWhatRuns())
            {
                Console.WriteLine($"  will run: {line}");
            }

            foreach (var job in options.Jobs)
            {
                Console.WriteLine($"  {job.Name}: {job.Source.ToString().ToLowerInvariant()} '{job.Query}' every {Duration.Format(job.Interval)}, step {Duration.Format(job.EffectiveStep)}, detector {job.Detector.Type}");
            }

            return CliEnvironment.Ok;
        });
        return new Command("config", "Work with configuration files.") { check };
    }

    private static async Task PrintErrorsAsync(string path, IReadOnlyList<string> errors)
    {
        await Console.Error.WriteLineAsync($"{path}: {errors.Count} error(s)");
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"  {error}");
        }
    }

    private static async Task<string?> DatabaseErrorAsync(BusinessOptions business, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(business.ConnectionString);
        try
        {
            await using var connection = new NpgsqlConnection(business.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return $"business.database: cannot connect to PostgreSQL {builder.Host}/{builder.Database}: {ex.Message} (--offline skips this check)";
        }
    }
}
