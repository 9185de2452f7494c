using Vigil.Core.Detection;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Tests.Support;

/// <summary>Completes once every named source has published a scored point.</summary>
internal sealed class AllSourcesScored(IReadOnlyCollection<string> sources) : IVerdictSink
{
    private readonly HashSet<string> _waiting = [.. sources];
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completed => _completed.Task;

    public void Publish(VerdictBatch batch)
    {
        foreach (var point in batch.Points)
        {
            if (point.Verdict.Kind == VerdictKind.Scored)
            {
                lock (_waiting)
                {
                    if (_waiting.Remove(batch.Source) && _waiting.Count == 0)
                    {
                        _completed.TrySetResult();
                    }
                }

                return;
            }
        }
    }
}
