using Vigil.Cli;

return await VigilCli.InvokeAsync(args);
