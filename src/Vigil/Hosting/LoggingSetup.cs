using Vigil.Configuration;
using Vigil.Hosting.Tracing;

namespace Vigil.Hosting;

internal static class LoggingSetup
{
    public static ILoggingBuilder AddVigilLogging(this ILoggingBuilder logging, LoggingOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.Level, ignoreCase: true));
        // Kestrel and hosting chatter drowns the job logs at Information.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        if (options.Format == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true; // carries job and cycle_id on every line of a cycle
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
            logging.AddTraceIdsToConsole(); // trace_id and span_id of the current span (docs/tracing.md)
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                // The logger's own default only looks at redirection; NO_COLOR must silence it on a terminal too.
                o.ColorBehavior = Cli.ConsoleColours.DisabledForThisProcess ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        }

        return logging;
    }
}
