using System.CommandLine;

namespace Vigil.Cli;

public static class VigilCli
{
    public static RootCommand CreateRoot()
    {
        // Batch commands can push their results to a Pushgateway (--push-gateway); `run` is scraped instead.
        var bench = BenchNabCommand.Create();
        BatchPush.Enable(bench.Subcommands.Single(c => c.Name == "nab"), "bench nab");
        bench.Subcommands.Add(BatchPush.Enable(BenchScenariosCommand.Create(), "bench scenarios"));
        var events = BusinessCommands.CreateEvents();
        BatchPush.Enable(events.Subcommands.Single(c => c.Name == "import"), "events import");
        var root = new RootCommand("Vigil: learns what normal looks like for your metrics and says when something is not.")
        {
            RunCommand.Create(),
            BatchPush.Enable(DetectCommand.Create(), "detect"),
            ConfigCommand.Create(),
            BatchPush.Enable(BacktestCommand.Create(), "backtest"),
            bench,
            BusinessCommands.CreateDb(),
            events,
            BatchPush.Enable(TrainCommand.Create(), "train"),
            ModelsCommand.Create(),
            LogsCommand.Create(),
        };
        return root;
    }

    public static Task<int> InvokeAsync(string[] args)
    {
        // The host owns SIGTERM/Ctrl+C for `run` (graceful shutdown with a grace period), so the parser must not race it.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        ConsoleColours.Apply(ConsoleColours.DisabledForThisProcess);
        return CreateRoot().Parse(args).InvokeAsync(configuration);
    }
}
