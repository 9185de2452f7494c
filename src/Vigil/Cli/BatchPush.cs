using System.CommandLine;
using System.CommandLine.Invocation;
using Vigil.Export.Pushgateway;

namespace Vigil.Cli;

/// <summary>
/// <c>--push-gateway URL</c> for the batch commands: their results and self-metrics go to a Prometheus Pushgateway
/// when the run ends (a batch run is gone before any scrape could reach it). The command itself is unchanged: its
/// action is wrapped, and it records figures into <see cref="BatchRun.Current"/> when pushing is on.
/// </summary>
internal static class BatchPush
{
    /// <summary>Read when <c>--push-gateway</c> is not given, so a scheduler can set it once for every run.</summary>
    public const string GatewayVariable = "VIGIL_PUSH_GATEWAY";

    public static Command Enable(Command command, string runName)
    {
        var gateway = new Option<string?>("--push-gateway") { Description = $"Push this run's results and self-metrics to a Prometheus Pushgateway at this URL when it ends (default: ${GatewayVariable}; unset: no push)." };
        var job = new Option<string?>("--push-job") { Description = $"Grouping key job (default: vigil_{runName.Replace(' ', '_')})." };
        var labels = new Option<string[]>("--push-label") { Description = "Further grouping label as name=value, repeatable: each distinct key is its own group, replaced by the next run with that key.", AllowMultipleArgumentsPerToken = false };
        var delete = new Option<bool>("--push-delete") { Description = "Delete the group after pushing: nothing stays, the last-success time included (see docs/deployment.md)." };
        command.Options.Add(gateway);
        command.Options.Add(job);
        command.Options.Add(labels);
        command.Options.Add(delete);

        var inner = command.Action ?? throw new InvalidOperationException($"{command.Name} has no action to wrap");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var url = parse.GetValue(gateway) ?? Environment.GetEnvironmentVariable(GatewayVariable);
            if (string.IsNullOrWhiteSpace(url))
            {
                return await InvokeAsync(inner, parse, cancellationToken);
            }

            if (Resolve(url, parse.GetValue(job) ?? "vigil_" + runName.Replace(' ', '_'), parse.GetValue(labels) ?? [], parse.GetValue(delete)) is not { } options)
            {
                return CliEnvironment.InvalidConfig;
            }

            var run = new BatchRun(runName, TimeProvider.System);
            BatchRun.Current = run;
            int exit;
            try
            {
                exit = await InvokeAsync(inner, parse, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await PushAsync(options, run, CliEnvironment.Failure, cancellationToken);
                throw;
            }
            finally
            {
                BatchRun.Current = null;
            }

            await PushAsync(options, run, exit, cancellationToken);
            return exit;
        });
        return command;
    }

    /// <summary>Pushes the run's outcome. A failed push is reported on stderr; it does not change the exit code of a
    /// run whose work succeeded (its results are on disk or stdout), so a scheduler does not retry good work.</summary>
    internal static async Task PushAsync(PushgatewayOptions options, BatchRun run, int exitCode, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new PushgatewayClient(http, options, run.Time);
        var result = exitCode == CliEnvironment.Ok
            ? await client.PushAsync(run.SuccessPayload(exitCode), PushMethod.Replace, cancellationToken)
            : await client.PushAsync(run.FailurePayload(exitCode), PushMethod.Merge, cancellationToken);
        if (!result.Succeeded)
        {
            await Console.Error.WriteLineAsync($"push gateway: results not pushed after {result.Attempts} attempt(s): {result.Error}");
            return;
        }

        if (options.DeleteAtEnd)
        {
            var deleted = await client.DeleteAsync(cancellationToken);
            if (!deleted.Succeeded)
            {
                await Console.Error.WriteLineAsync($"push gateway: group not deleted: {deleted.Error}");
            }
        }
    }

    private static PushgatewayOptions? Resolve(string url, string job, string[] labelTexts, bool delete)
    {
        List<string> errors = [];
        Dictionary<string, string> labels = new(StringComparer.Ordinal);
        foreach (var text in labelTexts)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add($"--push-label '{text}': expected name=value");
            }
            else if (!labels.TryAdd(text[..eq], text[(eq + 1)..]))
            {
                errors.Add($"--push-label '{text[..eq]}': given twice");
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors.Add($"--push-gateway: '{url}' is not an absolute URL");
        }
        else
        {
            var options = new PushgatewayOptions { Url = uri, Job = job, GroupingLabels = labels, DeleteAtEnd = delete };
            errors.AddRange(options.Validate());
            if (errors.Count == 0)
            {
                return options;
            }
        }

        foreach (var error in errors)
        {
            Console.Error.WriteLine(error);
        }

        return null;
    }

    private static async Task<int> InvokeAsync(CommandLineAction action, ParseResult parse, CancellationToken cancellationToken) => action switch
    {
        AsynchronousCommandLineAction async => await async.InvokeAsync(parse, cancellationToken),
        SynchronousCommandLineAction sync => sync.Invoke(parse),
        _ => throw new InvalidOperationException($"unexpected action {action.GetType().Name}"),
    };
}
