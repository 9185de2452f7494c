using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Series;

namespace Vigil.Core.Tests.Series;

public sealed class LabelsTests
{
    [Fact]
    public void From_AnyOrder_GivesEqualSetsWithEqualHashes()
    {
        var a = Labels.From(new Label("job", "node"), new Label("instance", "a"));
        var b = Labels.From(new Label("instance", "a"), new Label("job", "node"));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("instance", a[0].Name);
    }

    [Fact]
    public void From_DuplicateName_LastWins()
    {
        var labels = Labels.From(new Label("a", "1"), new Label("b", "2"), new Label("a", "3"));

        Assert.Equal(2, labels.Count);
        Assert.Equal("3", labels.Get("a"));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(64)]
    [InlineData(65)] // past the in-place sort: LINQ's stable sort
    [InlineData(200)]
    public void From_ShuffledWithDuplicates_SameSetAsAStableSortWithLastWins(int count)
    {
        // The in-place insertion sort (scale10) must give what OrderBy gave: names in ordinal order, and of duplicate
        // names the last one given.
        var random = new Random(count);
        var items = Enumerable.Range(0, count)
            .Select(i => new Label($"n{random.Next(count / 2 + 1)}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray();

        var labels = Labels.From(items);

        var expected = items.GroupBy(l => l.Name).Select(g => g.Last()).OrderBy(l => l.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, labels.Count).Select(i => labels[i]));
    }

    [Fact]
    public void WithWithoutKeep_ReturnNewSetsAndLeaveTheOriginal()
    {
        var labels = Labels.From(new Label("job", "node"), new Label("instance", "a"), new Label("cpu", "0"));

        var with = labels.With("zone", "eu");
        var without = labels.Without("cpu");
        var kept = labels.Keep(new HashSet<string> { "instance" });

        Assert.Equal("eu", with.Get("zone"));
        Assert.False(without.Contains("cpu"));
        Assert.Equal(Labels.From(new Label("instance", "a")), kept);
        Assert.Equal(3, labels.Count);
        Assert.Same(labels, labels.With("job", "node"));
        Assert.Same(labels, labels.Without("absent"));
    }

    [Fact]
    public void ToString_EscapesQuotesAndBackslashes()
    {
        var labels = Labels.From(new Label("path", "C:\\x \"y\""));

        Assert.Equal("{path=\"C:\\\\x \\\"y\\\"\"}", labels.ToString());
    }

    [Fact]
    public void Equality_IsIndependentOfInsertionOrder_Property()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<string[]>(),
            names =>
            {
                var pairs = (names ?? []).Where(n => n is not null).Distinct(StringComparer.Ordinal).Select((n, i) => new Label(n, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
                var forward = Labels.From(pairs);
                var backward = Labels.From(pairs.Reverse().ToArray());
                return forward.Equals(backward) && forward.GetHashCode() == backward.GetHashCode() && forward.Count == pairs.Length;
            }).QuickCheckThrowOnFailure();
    }
}
