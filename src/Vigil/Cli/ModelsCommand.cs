using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Models.Files;
using Vigil.Models.Store;

namespace Vigil.Cli;

/// <summary><c>vigil models list|promote|rollback</c>: thin wrappers over <see cref="ModelStore"/>.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List every model file (active, candidate, history), verified; broken files show why.");
        var listName = new Argument<string?>("name") { Description = "Only this model.", Arity = ArgumentArity.ZeroOrOne };
        list.Arguments.Add(listName);
        var listPath = ModelPathOption();
        list.Options.Add(listPath);
        list.SetAction(parse => WithStore(parse.GetValue(listPath), store => List(store, parse.GetValue(listName))));

        var promoteName = new Argument<string>("name") { Description = "Model name (usually the job name)." };
        var promotePath = ModelPathOption();
        var promote = new Command("promote", "Make the candidate active (verified first; a corrupt candidate never replaces the active model).") { promoteName, promotePath };
        promote.SetAction(parse => WithStore(parse.GetValue(promotePath), store =>
        {
            var file = store.Promote(parse.GetValue(promoteName)!);
            Console.WriteLine($"{file.Header.Name}: {file.Header.Version} is now active");
            return CliEnvironment.Ok;
        }));

        var rollbackName = new Argument<string>("name") { Description = "Model name." };
        var rollbackTo = new Option<string?>("--to") { Description = "History version to re-activate (default: the newest one older than the active model)." };
        var rollbackPath = ModelPathOption();
        var rollback = new Command("rollback", "Re-activate an earlier version from history.") { rollbackName, rollbackTo, rollbackPath };
        rollback.SetAction(parse => WithStore(parse.GetValue(rollbackPath), store =>
        {
            var file = store.Rollback(parse.GetValue(rollbackName)!, parse.GetValue(rollbackTo));
            Console.WriteLine($"{file.Header.Name}: rolled back to {file.Header.Version}");
            return CliEnvironment.Ok;
        }));

        return new Command("models", "Inspect and manage trained models (a running service picks up changes on its next reload).") { list, promote, rollback };
    }

    internal static Option<DirectoryInfo?> ModelPathOption() => new("--model-path", "-m")
    {
        Description = "Model directory (default: $MODEL_PATH).",
    };

    internal static string? ResolveModelPath(DirectoryInfo? option)
    {
        if (option is not null)
        {
            return option.FullName;
        }

        var env = CliEnvironment.Variables();
        return env.TryGetValue("MODEL_PATH", out var path) && !string.IsNullOrWhiteSpace(path) ? path : null;
    }

    private static int WithStore(DirectoryInfo? option, Func<ModelStore, int> action)
    {
        var path = ResolveModelPath(option);
        if (path is null)
        {
            Console.Error.WriteLine("No model directory: pass --model-path or set MODEL_PATH.");
            return CliEnvironment.InvalidConfig;
        }

        try
        {
            return action(new ModelStore(new ModelStoreOptions { Directory = path }));
        }
        catch (ModelFileException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return CliEnvironment.Failure;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return CliEnvironment.InvalidConfig;
        }
    }

    private static int List(ModelStore store, string? name)
    {
        var entries = store.List(name);
        if (entries.Count == 0)
        {
            Console.WriteLine($"No models in {store.Root}{(name is null ? string.Empty : $" for '{name}'")}.");
            return CliEnvironment.Ok;
        }

        var table = new Table().Title($"Models in {store.Root}").AddColumns("name", "slot", "version", "created (UTC)", "rows", "anomaly rate", "F1", "status");
        foreach (var e in entries)
        {
            var h = e.Header;
            table.AddRow(
                Markup.Escape(e.Name),
                e.Slot.ToString().ToLowerInvariant(),
                Markup.Escape(h?.Version ?? "-"),
                h?.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-",
                h?.Training?.Rows.ToString(CultureInfo.InvariantCulture) ?? "-",
                Metric(h, "anomaly_rate", "0.####"),
                Metric(h, "f1", "0.###"),
                e.IsValid ? "[green]ok[/]" : $"[red]{Markup.Escape(e.Error!)}[/]");
        }

        AnsiConsole.Write(table);
        return entries.All(e => e.IsValid) ? CliEnvironment.Ok : CliEnvironment.Failure;
    }

    private static string Metric(ModelHeader? header, string name, string format)
        => header is not null && header.Validation.TryGetValue(name, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
