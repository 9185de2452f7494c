using Vigil.Core.Detectors.IsolationForest;

namespace Vigil.Models.Files;

/// <summary>A loaded (or about to be written) model file: its verified header and the model ready to score.</summary>
public sealed record ModelFile(ModelHeader Header, AnomalyModel Model);
