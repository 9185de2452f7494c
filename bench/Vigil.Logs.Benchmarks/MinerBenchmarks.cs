using BenchmarkDotNet.Attributes;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;

namespace Vigil.Logs.Benchmarks;

/// <summary>
/// Lines per second of the miner, masking on, over 1 M messages: the eight Loghub-2k data sets (headers removed, as the
/// benchmark gives them) interleaved round-robin and replicated. Reported per line (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class MinerBenchmarks
{
    public const int LineCount = 1_000_000;

    private string[] _messages = [];
    private string[] _raw = [];
    private TemplateMiner _warm = new();

    [GlobalSetup]
    public void Setup()
    {
        var contents = Loghub.Formats.Keys.Select(Loghub.Contents).ToArray();
        var raws = Loghub.Formats.Keys.Select(d => File.ReadAllLines(Loghub.LogPath(d))).ToArray();
        _messages = new string[LineCount];
        _raw = new string[LineCount];
        for (var i = 0; i < LineCount; i++)
        {
            var set = i % contents.Length;
            var line = (i / contents.Length) % contents[set].Length;
            _messages[i] = contents[set][line];
            _raw[i] = raws[set][line];
        }

        _warm = new TemplateMiner();
        foreach (var message in _messages)
        {
            _warm.Add(message);
        }
    }

    /// <summary>Steady state: every template already known (the live case after the first minutes).</summary>
    [Benchmark(OperationsPerInvoke = LineCount)]
    public long SteadyState()
    {
        long sum = 0;
        foreach (var message in _messages)
        {
            sum += _warm.Add(message).Template.Id;
        }

        return sum;
    }

    /// <summary>From an empty miner: includes creating and generalising every template.</summary>
    [Benchmark(OperationsPerInvoke = LineCount)]
    public long Cold()
    {
        var miner = new TemplateMiner();
        long sum = 0;
        foreach (var message in _messages)
        {
            sum += miner.Add(message).Template.Id;
        }

        return sum;
    }

    /// <summary>Raw lines through header auto-detection (none of these layouts is a known one) and the warm miner.</summary>
    [Benchmark(OperationsPerInvoke = LineCount)]
    public long RawLinesAutoHeader()
    {
        var parser = new HeaderParser();
        long sum = 0;
        foreach (var line in _raw)
        {
            sum += _warm.Add(parser.Message(line)).Template.Id;
        }

        return sum;
    }
}
