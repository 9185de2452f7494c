namespace Vigil.Exposition;

/// <summary>
/// Writes metrics computed at scrape time (e.g. one gauge per scored series) with the same writer as the
/// registry's own families. Write each family's header once, then all of its samples.
/// </summary>
public interface IMetricCollector
{
    void Collect(ExpositionWriter writer);
}
