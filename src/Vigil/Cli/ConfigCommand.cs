using System.CommandLine;
using Vigil.Configuration;
using Vigil.Pipeline.Jobs;

namespace Vigil.Cli;

internal static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The YAML configuration to validate." };
        var check = new Command("check", "Validate a configuration file (with the current environment overrides) and print every error with its path.") { file };
        check.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(path, CliEnvironment.Variables());
            if (errors.Count > 0 || options is null)
            {
                Console.Error.WriteLine($"{path}: {errors.Count} error(s)");
                foreach (var error in errors)
                {
                    Console.Error.WriteLine($"  {error}");
                }

                return CliEnvironment.InvalidConfig;
            }

            Console.WriteLine($"{path}: OK, {options.Jobs.Count} job(s)");
            foreach (var job in options.Jobs)
            {
                Console.WriteLine($"  {job.Name}: {job.Source.ToString().ToLowerInvariant()} '{job.Query}' every {Duration.Format(job.Interval)}, step {Duration.Format(job.EffectiveStep)}, detector {job.Detector.Type}");
            }

            return CliEnvironment.Ok;
        });
        return new Command("config", "Work with configuration files.") { check };
    }
}
