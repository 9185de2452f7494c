namespace Vigil.Exposition;

/// <summary>
/// Writes metrics computed at scrape time (e.g. one gauge per scored series) with the same writer as the
/// registry's own families. Write each family's header once, then all of its samples.
/// </summary>
public interface IMetricCollector
{
    void Collect(ExpositionWriter writer);
}

/// <summary>
/// A collector whose output grows with the data (one sample per scored series): it renders in steps, so that
/// <see cref="MetricRegistry.WriteToAsync"/> can flush the response between them and a scrape of 100k series never
/// holds the whole response in memory. <see cref="IMetricCollector.Collect"/> must write what the steps write.
/// </summary>
public interface ISteppedMetricCollector : IMetricCollector
{
    /// <summary>Renders into <paramref name="writer"/>, yielding (the samples written by the step) every few thousand samples.</summary>
    IEnumerable<int> CollectSteps(ExpositionWriter writer);
}
