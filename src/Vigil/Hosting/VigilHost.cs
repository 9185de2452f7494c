using System.Net;
using Vigil.Charts;
using Vigil.Charts.Api;
using Vigil.Configuration;
using Vigil.EventStore;
using Vigil.EventStore.Api;
using Vigil.Hosting.Tracing;
using Vigil.Inspection.Api;
using Vigil.Logs.Service;
using Vigil.Postgres.Api;
using Vigil.Web;
using Vigil.Web.Api;

namespace Vigil.Hosting;

/// <summary>Builds the `vigil run` web application from validated options: Kestrel, logging, the composition, the endpoints.</summary>
public static class VigilHost
{
    /// <param name="options">Validated options.</param>
    /// <param name="timeProvider">The host clock; the system's by default.</param>
    /// <param name="configureServices">Last registrations before the build (tests: an in-memory span exporter).</param>
    public static WebApplication Build(VigilOptions options, TimeProvider? timeProvider = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = options.Server.ListenAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Server.ListenAddress);
            k.Listen(address, options.Server.Port);
            if (options.Server.GrpcPort is { } grpcPort)
            {
                // Its own HTTP/2-only listener: plaintext gRPC cannot negotiate HTTP/2 on an Http1AndHttp2 endpoint.
                var grpcAddress = options.Server.GrpcListenAddress ?? options.Server.ListenAddress;
                k.Listen(grpcAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(grpcAddress), grpcPort, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            }

            k.AddServerHeader = false;
        });
        builder.Logging.AddVigilLogging(options.Logging);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.Server.ShutdownGrace + TimeSpan.FromSeconds(5));
        builder.Services.AddVigil(options, timeProvider ?? TimeProvider.System);
        var tracing = options.Sections.Get<TracingOptions>() ?? new TracingOptions();
        // The exporter reads OTEL_* from configuration: the values the options were read from, wherever they came from.
        builder.Configuration.AddInMemoryCollection(tracing.Settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddVigilTracing(tracing);
        configureServices?.Invoke(builder.Services);

        var policy = ApiAuthPolicy.For(options);
        builder.Services.AddSingleton(policy);
        builder.Services.AddVigilWeb(new WebUiOptions
        {
            RequireReadToken = options.Server.UiAuth,
            ReadToken = policy.ReadToken,
            WriteToken = policy.WriteToken,
            WritesRefused = policy.WritesRefused,
            TimeZone = options.Server.TimeZone,
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Hosting");
        if (policy.StartupNotice(options.Server.Auth.AllowUnauthenticatedWrites) is { } notice)
        {
            logger.AuthNotice(notice);
        }

        if (options.Server.StateDirectory is null && options.Business is null)
        {
            logger.EphemeralEventStore(app.Services.GetRequiredService<EventStoreOptions>().SqlitePath!);
        }

        app.UseMiddleware<ApiAuthenticationMiddleware>();
        app.MapVigilEndpoints();
        app.MapVigilWeb();
        app.MapModelsApi();
        app.MapEventStoreApi();
        app.MapChartsApi();
        if (options.Server.GrpcPort is { } port)
        {
            app.MapVisualizationGrpc(port);
        }

        if (options.Business is not null)
        {
            app.MapBusinessMetricsApi();
        }

        if (options.Inspection is not null)
        {
            app.MapInspectionApi();
        }

        if (app.Services.GetService<LogSources>() is not null)
        {
            app.MapLogsApi();
        }

        return app;
    }
}
