namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// Where model-backed detectors get their models: the seam between the pure detector and the model store
/// (Vigil.Models implements it over the model directory; tests use an in-memory one).
/// </summary>
public interface IModelProvider
{
    /// <summary>The live handle of the active model named <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">No active model with that name; the message says where it was looked for.</exception>
    ModelHandle Get(string name);
}
