using Vigil.Models.Files;
using Vigil.Models.Store;

namespace Vigil.Models.Tests.Store;

public sealed class ModelStoreTests
{
    [Fact]
    public void Promote_Candidate_BecomesActiveAndIsArchived()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        var v1 = TestModels.File(createdAt: TestModels.T0);
        store.WriteCandidate(v1);

        var promoted = store.Promote("checkout");

        Assert.Equal(v1.Header.Version, promoted.Header.Version);
        Assert.Equal(v1.Header.Version, store.LoadActive("checkout").Header.Version);
        Assert.False(store.HasCandidate("checkout"));
        Assert.Contains(store.List("checkout"), e => e.Slot == ModelSlot.History && e.Header!.Version == v1.Header.Version);
    }

    [Fact]
    public void Promote_CorruptCandidate_LeavesActiveUntouched()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0));
        var good = store.Promote("checkout");
        store.WriteCandidate(TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        var bytes = File.ReadAllBytes(store.CandidatePath("checkout"));
        File.WriteAllBytes(store.CandidatePath("checkout"), bytes[..^50]);

        var ex = Assert.Throws<ModelFileException>(() => store.Promote("checkout"));

        Assert.Contains("candidate.vmodel", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(good.Header.Version, store.LoadActive("checkout").Header.Version);
    }

    [Fact]
    public void Promote_NoCandidate_SaysMissing()
    {
        using var dir = new TempDirectory();

        var ex = Assert.Throws<ModelFileException>(() => CreateSut(dir).Promote("checkout"));

        Assert.Contains("missing", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_Default_ReactivatesPreviousVersion()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        var v1 = Promote(store, TestModels.File(createdAt: TestModels.T0, seed: 1));
        Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));

        var rolledBack = store.Rollback("checkout");

        Assert.Equal(v1.Header.Version, rolledBack.Header.Version);
        Assert.Equal(v1.Header.Version, store.LoadActive("checkout").Header.Version);
    }

    [Fact]
    public void Rollback_CorruptActive_UsesNewestValidHistory()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        Promote(store, TestModels.File(createdAt: TestModels.T0, seed: 1));
        var v2 = Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        File.WriteAllText(store.ActivePath("checkout"), "garbage");

        var rolledBack = store.Rollback("checkout");

        Assert.Equal(v2.Header.Version, rolledBack.Header.Version);
    }

    [Fact]
    public void Rollback_NothingOlder_Throws()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        Promote(store, TestModels.File());

        var ex = Assert.Throws<ModelFileException>(() => store.Rollback("checkout"));

        Assert.Contains("no valid history version", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_ToNamedVersion_Activates()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        var v1 = Promote(store, TestModels.File(createdAt: TestModels.T0, seed: 1));
        Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(2), seed: 3));

        Assert.Equal(v1.Header.Version, store.Rollback("checkout", v1.Header.Version).Header.Version);
    }

    [Fact]
    public void List_BrokenFile_ListedWithError()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);
        Promote(store, TestModels.File());
        File.WriteAllText(store.CandidatePath("checkout"), "VIGILMDL");

        var entries = store.List();

        Assert.Contains(entries, e => e.Slot == ModelSlot.Active && e.IsValid);
        Assert.Contains(entries, e => e.Slot == ModelSlot.Candidate && !e.IsValid && e.Error!.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void Promote_BeyondHistoryLimit_PrunesOldest()
    {
        using var dir = new TempDirectory();
        var store = new ModelStore(new ModelStoreOptions { Directory = dir.Path, HistoryLimit = 2 });
        var first = Promote(store, TestModels.File(createdAt: TestModels.T0, seed: 1));
        Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(1), seed: 2));
        Promote(store, TestModels.File(createdAt: TestModels.T0.AddDays(2), seed: 3));

        var history = store.List("checkout").Where(e => e.Slot == ModelSlot.History).ToList();

        Assert.Equal(2, history.Count);
        Assert.DoesNotContain(history, e => e.Header!.Version == first.Header.Version);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void ActivePath_UnsafeName_Rejected(string name)
    {
        using var dir = new TempDirectory();

        Assert.Throws<ArgumentException>(() => CreateSut(dir).ActivePath(name));
    }

    [Fact]
    public void WriteCandidate_LeavesNoTempFiles()
    {
        using var dir = new TempDirectory();
        var store = CreateSut(dir);

        store.WriteCandidate(TestModels.File());

        Assert.Equal(["candidate.vmodel"], Directory.GetFiles(Path.Combine(dir.Path, "checkout")).Select(Path.GetFileName));
    }

    private static ModelFile Promote(ModelStore store, ModelFile file)
    {
        store.WriteCandidate(file);
        return store.Promote(file.Header.Name);
    }

    private static ModelStore CreateSut(TempDirectory dir) => new(new ModelStoreOptions { Directory = dir.Path });
}
