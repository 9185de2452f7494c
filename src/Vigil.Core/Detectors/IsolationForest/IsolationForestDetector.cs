using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>A job scored by a trained Isolation Forest; every entity's series shares the job's model handle.</summary>
public sealed class IsolationForestDetector : IDetector
{
    public IsolationForestDetector(ModelHandle model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    public string Type => IsolationForestDetectorFactory.TypeName;

    public int FeatureCount => Model.Current.FeatureCount;

    /// <summary>0: a pre-trained model needs no warm-up history.</summary>
    public int HistoryPoints => 0;

    public ModelHandle Model { get; }

    public ISeriesDetector CreateSeries() => new IsolationForestSeries(Model);
}
