using Vigil.Core.Sources;
using Vigil.Models.Files;
using Vigil.Models.Shadow;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;

namespace Vigil.Models.Lifecycle;

/// <summary>
/// The model lifecycle of one job as an injectable state machine: the host's background loop calls
/// <see cref="TickAsync"/> (e.g. once a minute) and exports <see cref="Stats"/>; the scoring pipeline asks
/// <see cref="Shadow"/> whether to score a candidate beside the active model. Training runs on the caller's
/// task, never on the scoring path, and a promotion is an atomic handle swap, so scoring never pauses.
/// Due-ness is derived from the active model's creation time, so a restart does not retrain needlessly.
/// </summary>
public sealed class ModelLifecycle
{
    private readonly TrainingSpec _spec;
    private readonly Trainer _trainer;
    private readonly ModelStoreProvider _provider;
    private readonly PromotionPolicy _policy;
    private readonly ModelLifecycleOptions _options;
    private readonly TimeProvider _time;
    private ShadowEvaluator? _shadow;
    private ModelLifecycleStats _stats;
    private DateTimeOffset? _lastFailure;

    public ModelLifecycle(TrainingSpec spec, Trainer trainer, ModelStoreProvider provider, ModelLifecycleOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _spec = spec;
        _trainer = trainer;
        _provider = provider;
        _policy = new PromotionPolicy(options.Promotion);
        _options = options;
        _time = time;
        _stats = WithActive(new ModelLifecycleStats());
    }

    public string Name => _spec.Name;

    /// <summary>The running shadow comparison, or null. Read on every scoring cycle; swapped by <see cref="TickAsync"/>.</summary>
    public ShadowEvaluator? Shadow => Volatile.Read(ref _shadow);

    public ModelLifecycleStats Stats => Volatile.Read(ref _stats);

    /// <summary>Concludes a due shadow period, or trains when the active model is older than <c>fit_every</c>. Null when nothing was due.</summary>
    public async Task<LifecycleEvent?> TickAsync(CancellationToken cancellationToken)
    {
        if (Shadow is { } shadow)
        {
            ShadowOutcome? outcome;
            try
            {
                outcome = shadow.ConcludeIfDue();
            }
            catch (ModelFileException ex)
            {
                Volatile.Write(ref _shadow, null);
                return PromotionFailed(shadow.Candidate.Version, ex);
            }

            if (outcome is null)
            {
                return null;
            }

            Volatile.Write(ref _shadow, null);
            return Decided(outcome.Decision, outcome.CandidateVersion, training: null);
        }

        var now = _time.GetUtcNow();
        var lastTrained = Stats.ActiveCreatedAt;
        var due = lastTrained is null || now - lastTrained >= _options.FitEvery;
        var backingOff = _lastFailure is { } failed && now - failed < _options.RetryAfterFailure;
        if (!due || backingOff)
        {
            return null;
        }

        TrainingResult result;
        try
        {
            result = await _trainer.TrainAsync(_spec, _options.FitWindow, progress: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TrainingException or MetricSourceException or ModelFileException or IOException)
        {
            // Counted and retried later; the active model keeps scoring.
            _lastFailure = now;
            Update(s => s with { TrainingFailures = s.TrainingFailures + 1 });
            return new LifecycleEvent(LifecycleEventKind.TrainingFailed, Name, null, null, null, ex.Message);
        }

        _lastFailure = null;
        Update(s => s with { Trainings = s.Trainings + 1, LastTrainingDuration = result.Duration });
        var version = result.Candidate.Header.Version;
        if (_options.Shadow is { } shadowOptions && result.Validation.Active is not null)
        {
            Volatile.Write(ref _shadow, new ShadowEvaluator(Name, _provider, _policy, shadowOptions, _time, _spec.Incidents));
            Update(s => s with { Shadowing = true });
            return new LifecycleEvent(LifecycleEventKind.ShadowStarted, Name, version, null, result, null);
        }

        // No comparable active model to shadow against (first model, or features changed), or shadowing is off:
        // decide on the held-out validation now.
        var decision = _policy.Decide(result.Validation);
        try
        {
            if (decision.Promote)
            {
                _provider.Promote(Name);
            }
            else
            {
                _provider.Store.DiscardCandidate(Name);
            }
        }
        catch (ModelFileException ex)
        {
            return PromotionFailed(version, ex);
        }

        return Decided(decision, version, result);
    }

    /// <summary>
    /// Promotes the candidate by hand (the API and the UI) through the provider (live swap) and counts it. A running
    /// shadow comparison ends: the candidate it was weighing is the one now active, so there is nothing left to decide.
    /// </summary>
    /// <exception cref="ModelFileException">No candidate, it does not load, or its features differ from the running model's.</exception>
    public ModelFile Promote()
    {
        var file = _provider.Promote(Name);
        Volatile.Write(ref _shadow, null);
        Update(s => WithActive(s with { Promotions = s.Promotions + 1, Shadowing = false }));
        return file;
    }

    /// <summary>Rolls back through the provider (live swap) and counts it; for <c>vigil models rollback</c> via the API.</summary>
    public ModelFile Rollback(string? version = null)
    {
        var file = _provider.Rollback(Name, version);
        Update(s => WithActive(s with { Rollbacks = s.Rollbacks + 1 }));
        return file;
    }

    private LifecycleEvent PromotionFailed(string candidateVersion, ModelFileException ex)
    {
        // The store verified the file before touching the active model, so the active one is intact.
        Update(s => s with { Shadowing = false, TrainingFailures = s.TrainingFailures + 1 });
        return new LifecycleEvent(LifecycleEventKind.PromotionFailed, Name, candidateVersion, null, null, ex.Message);
    }

    private LifecycleEvent Decided(PromotionDecision decision, string candidateVersion, TrainingResult? training)
    {
        Update(s => WithActive(decision.Promote
            ? s with { Promotions = s.Promotions + 1, Shadowing = false }
            : s with { Discards = s.Discards + 1, Shadowing = false }));
        return new LifecycleEvent(decision.Promote ? LifecycleEventKind.Promoted : LifecycleEventKind.Discarded, Name, candidateVersion, decision, training, null);
    }

    private ModelLifecycleStats WithActive(ModelLifecycleStats stats)
    {
        if (!_provider.Store.HasActive(Name))
        {
            return stats with { ActiveCreatedAt = null, ActiveVersion = null };
        }

        try
        {
            var header = _provider.Store.LoadActive(Name).Header;
            return stats with { ActiveCreatedAt = header.CreatedAt, ActiveVersion = header.Version };
        }
        catch (ModelFileException)
        {
            // A broken active file: treat as "no model", which makes training due and lets a good one replace it.
            return stats with { ActiveCreatedAt = null, ActiveVersion = null };
        }
    }

    // Two writers (the background loop, and a promotion or rollback from the API): compare-and-swap, so neither loses the other's count.
    private void Update(Func<ModelLifecycleStats, ModelLifecycleStats> change)
    {
        var seen = Stats;
        while (true)
        {
            var previous = Interlocked.CompareExchange(ref _stats, change(seen), seen);
            if (ReferenceEquals(previous, seen))
            {
                return;
            }

            seen = previous;
        }
    }
}
