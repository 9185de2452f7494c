using System.Collections;
using System.Globalization;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Log scope of one cycle. As key/value pairs it becomes <c>"job"</c> and <c>"cycle_id"</c> properties in JSON logs;
/// as text it reads <c>job=cpu cycle=42</c> in the console.
/// </summary>
internal sealed class CycleScope(string job, long cycleId) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => 2;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new("job", job),
        1 => new("cycle_id", cycleId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"job={job} cycle={cycleId}");
}
