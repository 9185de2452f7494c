using System.CommandLine;

namespace Vigil.Cli;

public static class VigilCli
{
    public static RootCommand CreateRoot()
    {
        var bench = BenchNabCommand.Create();
        bench.Subcommands.Add(BenchScenariosCommand.Create());
        var root = new RootCommand("Vigil: learns what normal looks like for your metrics and says when something is not.")
        {
            RunCommand.Create(),
            DetectCommand.Create(),
            ConfigCommand.Create(),
            BacktestCommand.Create(),
            bench,
            BusinessCommands.CreateDb(),
            BusinessCommands.CreateEvents(),
            TrainCommand.Create(),
            ModelsCommand.Create(),
            LogsCommand.Create(),
        };
        return root;
    }

    public static Task<int> InvokeAsync(string[] args)
    {
        // The host owns SIGTERM/Ctrl+C for `run` (graceful shutdown with a grace period), so the parser must not race it.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return CreateRoot().Parse(args).InvokeAsync(configuration);
    }
}
