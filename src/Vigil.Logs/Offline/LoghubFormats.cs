namespace Vigil.Logs.Offline;

/// <summary>
/// Header layouts of the Loghub-2k data sets (LogPAI's benchmark settings, as in ../shared/bench/loghub/loghub_formats.py),
/// for <c>vigil logs mine --format loghub:HDFS</c>. The benchmark gives each data set's header, as the issue allows;
/// mining is on the Content field, with the one miner configuration.
/// </summary>
public static class LoghubFormats
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["HDFS"] = "<Date> <Time> <Pid> <Level> <Component>: <Content>",
        ["Hadoop"] = @"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>",
        ["Spark"] = "<Date> <Time> <Level> <Component>: <Content>",
        ["Zookeeper"] = @"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>",
        ["BGL"] = "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
        ["HPC"] = "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>",
        ["Thunderbird"] = @"<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>",
        ["Windows"] = "<Date> <Time>, <Level>                  <Component>    <Content>",
    };

    /// <summary>The eight data sets, in the scorer's order.</summary>
    public static IReadOnlyList<string> DataSets { get; } = ["HDFS", "Hadoop", "Spark", "Zookeeper", "BGL", "HPC", "Thunderbird", "Windows"];
}
