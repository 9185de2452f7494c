using System.CommandLine;
using Spectre.Console;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Export.Pushgateway;
using Vigil.Hosting;
using Vigil.Postgres.Ingest;
using Vigil.Postgres.Migrations;

namespace Vigil.Cli;

/// <summary><c>vigil db migrate</c> and <c>vigil events import</c>: the business-metrics pipeline's offline operations.</summary>
internal static class BusinessCommands
{
    public static Command CreateDb()
    {
        var config = ConfigOption();
        var migrate = new Command("migrate", "Apply pending schema migrations to the business-metrics database (safe with several replicas).") { config };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = Build(parse.GetValue(config), out var exit);
            if (services is null)
            {
                return exit;
            }

            try
            {
                var applied = await services.GetRequiredService<DbMigrator>().MigrateAsync(cancellationToken);
                Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied migration(s): {string.Join(", ", applied)}");
                return CliEnvironment.Ok;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Fail(services, ex, inputPath: null);
            }
        });
        return new Command("db", "Business-metrics database.") { migrate };
    }

    public static Command CreateEvents()
    {
        var config = ConfigOption();
        var file = new Argument<FileInfo>("file") { Description = $"Events as NDJSON or CSV with a header ({EventParser.CsvColumns}; event_timestamp is accepted for timestamp)." };
        var import = new Command("import", "Backfill events from a file; the whole file is validated first, and a re-import never double-counts.") { file, config };
        import.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = Build(parse.GetValue(config), out var exit);
            if (services is null)
            {
                return exit;
            }

            var path = parse.GetValue(file)!.FullName;
            try
            {
                // The file first: a wrong path is a usage error (2), whatever the state of the database.
                await File.OpenRead(path).DisposeAsync();
                await services.GetRequiredService<DbMigrator>().MigrateAsync(cancellationToken);
                var result = await AnsiConsole.Progress().StartAsync(async progress =>
                {
                    var bar = progress.AddTask($"Importing {Path.GetFileName(path)}", maxValue: 1);
                    var report = new Progress(bar);
                    return await services.GetRequiredService<EventImporter>().ImportAsync(path, report, cancellationToken: cancellationToken);
                });
                Console.WriteLine($"{result.Events} events read: {result.Inserted} inserted, {result.Duplicates} duplicates skipped, {result.TooLate} beyond the allowed lateness, in {result.Batches} batch(es).");
                BatchRun.Current?.Record("vigil_batch_events", "Events in the imported file, by outcome.", "outcome",
                    [KeyValuePair.Create("inserted", (double)result.Inserted), KeyValuePair.Create("duplicate", (double)result.Duplicates), KeyValuePair.Create("too_late", (double)result.TooLate)]);
                return CliEnvironment.Ok;
            }
            catch (ImportValidationException ex)
            {
                Console.Error.WriteLine($"{path}: {ex.ErrorCount} invalid event(s); nothing was imported.");
                foreach (var error in ex.Errors)
                {
                    Console.Error.WriteLine($"  {error}");
                }

                return CliEnvironment.Failure;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Fail(services, ex, path);
            }
        });
        return new Command("events", "Business events.") { import };
    }

    private static Option<FileInfo?> ConfigOption() => new("--config", "-c")
    {
        Description = "YAML configuration with a business section (default: $VIGIL_CONFIG; VIGIL_DATABASE alone also works).",
    };

    private static int Fail(ServiceProvider services, Exception exception, string? inputPath)
        => BusinessCommandErrors.Report(
            exception,
            Console.Error,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BusinessCommands)),
            inputPath,
            services.GetRequiredService<Npgsql.NpgsqlDataSource>().ConnectionString);

    private static ServiceProvider? Build(FileInfo? config, out int exit)
    {
        var env = CliEnvironment.Variables();
        var path = config?.FullName ?? (env.TryGetValue("VIGIL_CONFIG", out var fromEnv) && !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv : null);
        var (options, errors) = new ConfigLoader(DetectorRegistry.CreateDefault()).TryLoad(path, env);
        if (errors.Count > 0 || options is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine(error);
            }

            exit = CliEnvironment.InvalidConfig;
            return null;
        }

        if (options.Business is not { } business)
        {
            Console.Error.WriteLine("business: not configured (add a business section with database, or set VIGIL_DATABASE)");
            exit = CliEnvironment.InvalidConfig;
            return null;
        }

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.ColorBehavior = ConsoleColours.DisabledForThisProcess ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
        }).SetMinimumLevel(DebugOrWarning(options.Logging.Level)));
        services.AddSingleton(TimeProvider.System);
        services.AddBusinessMetricsDatabase(business);
        exit = CliEnvironment.Ok;
        return services.BuildServiceProvider();
    }

    /// <summary>Warnings only on a console tool, unless the configuration asks for debug (stack traces of failures).</summary>
    private static LogLevel DebugOrWarning(string level)
        => Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) && parsed <= LogLevel.Debug ? parsed : LogLevel.Warning;

    private sealed class Progress(ProgressTask bar) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => bar.Value = value.TotalBytes > 0 ? (double)value.BytesRead / value.TotalBytes : 0;
    }
}
