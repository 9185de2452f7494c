using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;

namespace Vigil.Hosting.Tracing;

/// <summary>
/// Puts <c>trace_id</c> and <c>span_id</c> of the current span on every console log line (as the first scope), so a
/// JSON log line leads to its trace. <c>ActivityTrackingOptions</c> would do it with the names <c>TraceId</c> and
/// <c>SpanId</c>; these are the OpenTelemetry log data model's names, which log pipelines map without configuration.
/// Without a current span (tracing off) nothing is added: one null check per line.
/// </summary>
internal static class TraceIdLogging
{
    public static ILoggingBuilder AddTraceIdsToConsole(this ILoggingBuilder logging)
    {
        var services = logging.Services;
        if (services.LastOrDefault(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)) is not { } console)
        {
            return logging;
        }

        services.Remove(console);
        services.AddSingleton<ILoggerProvider>(sp => new TraceIdLoggerProvider(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp)));
        return logging;
    }

    [ProviderAlias("Console")]
    internal sealed class TraceIdLoggerProvider(ConsoleLoggerProvider inner) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => inner.SetScopeProvider(new TraceIdScopes(scopeProvider));

        public void Dispose() => inner.Dispose();
    }

    internal sealed class TraceIdScopes(IExternalScopeProvider inner) : IExternalScopeProvider
    {
        public IDisposable Push(object? state) => inner.Push(state);

        public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
        {
            if (Activity.Current is { } activity)
            {
                callback(new TraceIds(activity.TraceId.ToHexString(), activity.SpanId.ToHexString()), state);
            }

            inner.ForEachScope(callback, state);
        }
    }

    private sealed class TraceIds(string traceId, string spanId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("trace_id", traceId),
            1 => new("span_id", spanId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"trace_id={traceId} span_id={spanId}";
    }
}
