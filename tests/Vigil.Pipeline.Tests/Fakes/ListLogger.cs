using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vigil.Pipeline.Tests.Fakes;

/// <summary>A typed logger that keeps every entry, for components that take <see cref="ILogger{T}"/>.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <summary>Levels below it are off, as a configured minimum level turns them off.</summary>
    public LogLevel MinLevel { get; init; } = LogLevel.Trace;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception), exception));
}
