using System.Diagnostics;
using System.Globalization;

namespace Vigil.Exposition;

/// <summary>
/// Process and .NET runtime metrics under the names Prometheus client libraries use
/// (https://prometheus.io/docs/instrumenting/writing_clientlibs/#process-metrics), so stock dashboards work.
/// </summary>
public sealed class ProcessMetricsCollector : IMetricCollector
{
    private const string FdDirectory = "/proc/self/fd";
    private const string LimitsFile = "/proc/self/limits";

    private readonly double _startTimeSeconds;

    public ProcessMetricsCollector()
    {
        using var process = Process.GetCurrentProcess();
        _startTimeSeconds = (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }

    public void Collect(ExpositionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var process = Process.GetCurrentProcess();

        Write(writer, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType.Counter,
            Environment.CpuUsage.TotalTime.TotalSeconds);
        Write(writer, "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType.Gauge, Environment.WorkingSet);
        Write(writer, "process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType.Gauge, process.VirtualMemorySize64);
        Write(writer, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType.Gauge, _startTimeSeconds);
        if (TryCountOpenFds(out var openFds))
        {
            Write(writer, "process_open_fds", "Number of open file descriptors.", MetricType.Gauge, openFds);
        }

        if (TryReadMaxFds(out var maxFds))
        {
            Write(writer, "process_max_fds", "Maximum number of open file descriptors.", MetricType.Gauge, maxFds);
        }

        Write(writer, "process_threads", "Number of OS threads in the process.", MetricType.Gauge, process.Threads.Count);

        writer.WriteHeader("dotnet_gc_collections_total", "Number of garbage collections per generation.", MetricType.Counter);
        writer.WriteSample("dotnet_gc_collections_total", "{generation=\"0\"}"u8, GC.CollectionCount(0));
        writer.WriteSample("dotnet_gc_collections_total", "{generation=\"1\"}"u8, GC.CollectionCount(1));
        writer.WriteSample("dotnet_gc_collections_total", "{generation=\"2\"}"u8, GC.CollectionCount(2));

        Write(writer, "dotnet_gc_heap_size_bytes", "Bytes currently thought to be allocated on the GC heap.", MetricType.Gauge,
            GC.GetTotalMemory(forceFullCollection: false));
        Write(writer, "dotnet_gc_allocated_bytes_total", "Total bytes allocated on the GC heap since process start.", MetricType.Counter,
            GC.GetTotalAllocatedBytes(precise: false));
        Write(writer, "dotnet_gc_pause_seconds_total", "Total time the runtime was paused for garbage collection, in seconds.", MetricType.Counter,
            GC.GetTotalPauseDuration().TotalSeconds);
    }

    private static void Write(ExpositionWriter writer, string name, string help, MetricType type, double value)
    {
        writer.WriteHeader(name, help, type);
        writer.WriteSample(name, ReadOnlySpan<byte>.Empty, value);
    }

    /// <summary>Soft limit from the "Max open files" row of /proc/self/limits, as the Go client reports it.</summary>
    internal static bool TryParseMaxFds(string limits, out double maxFds)
    {
        maxFds = 0;
        foreach (var line in limits.Split('\n'))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // "unlimited" fails to parse: leave the metric out rather than invent a number.
                if (fields.Length == 0 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft))
                {
                    return false;
                }

                maxFds = soft;
                return true;
            }
        }

        return false;
    }

    private static bool TryReadMaxFds(out double maxFds)
    {
        maxFds = 0;
        try
        {
            return File.Exists(LimitsFile) && TryParseMaxFds(File.ReadAllText(LimitsFile), out maxFds);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryCountOpenFds(out int count)
    {
        // Linux only; elsewhere the metric is left out rather than reported as a misleading 0.
        count = 0;
        if (!Directory.Exists(FdDirectory))
        {
            return false;
        }

        try
        {
            // The count includes the descriptor the enumeration itself holds open.
            foreach (var unused in Directory.EnumerateFileSystemEntries(FdDirectory))
            {
                count++;
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
