using System.Globalization;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Sources;
using Vigil.Models.Files;
using Vigil.Models.Store;
using Vigil.Models.Validation;

namespace Vigil.Models.Training;

/// <summary>
/// Trains a candidate for one job: fetches the window's history with chunked range queries, joins the queries
/// into feature rows, fits scaler and forest on all but the most recent <see cref="TrainerOptions.HoldoutFraction"/>
/// of the window, validates candidate and active model on that held-out tail, and writes the candidate to the
/// store. Promotion is a separate decision (<see cref="PromotionPolicy"/>, shadow mode or by hand).
/// </summary>
public sealed class Trainer
{
    private readonly IMetricSource _source;
    private readonly ModelStore _store;
    private readonly TimeProvider _time;
    private readonly TrainerOptions _options;

    public Trainer(IMetricSource source, ModelStore store, TimeProvider time, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.HoldoutFraction >= 0 && options.HoldoutFraction < 1) || options.MaxPointsPerSeries < 1 || options.MinTrainingRows < 1)
        {
            throw new ArgumentException("Need 0 <= holdout_fraction < 1, max_points_per_series >= 1 and min_training_rows >= 1.", nameof(options));
        }

        _source = source;
        _store = store;
        _time = time;
        _options = options;
    }

    /// <summary>Trains on the window ending now.</summary>
    public Task<TrainingResult> TrainAsync(TrainingSpec spec, TimeSpan window, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var to = _time.GetUtcNow();
        return TrainAsync(spec, to - window, to, progress, cancellationToken);
    }

    /// <exception cref="TrainingException">Invalid spec or too few rows.</exception>
    /// <exception cref="MetricSourceException">The source failed.</exception>
    public async Task<TrainingResult> TrainAsync(TrainingSpec spec, DateTimeOffset from, DateTimeOffset to, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = spec.Validate();
        if (errors.Count > 0)
        {
            throw new TrainingException($"Cannot train '{spec.Name}': {string.Join("; ", errors)}");
        }

        if (to <= from)
        {
            throw new TrainingException($"Cannot train '{spec.Name}': window end {to:O} is not after its start {from:O}.");
        }

        var started = _time.GetTimestamp();

        // 1. History, query by query, chunk by chunk (Prometheus caps points per series per request), joined into rows.
        var joined = await new FeatureFetcher(_source, _options.MaxPointsPerSeries).FetchAsync(
            spec.Features,
            spec.JoinLabels,
            from,
            to,
            spec.Step,
            (done, total, name) => progress?.Report(new TrainingProgress(TrainingStage.Fetching, done, total, name)),
            cancellationToken).ConfigureAwait(false);

        // 2. The time split: the held-out tail is the most recent part, as live data will be.
        var cutoff = from + ((to - from) * (1 - _options.HoldoutFraction));
        var (train, holdout) = joined.SplitAt(cutoff.ToUnixTimeMilliseconds());
        if (train.Rows.Rows < _options.MinTrainingRows)
        {
            throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot train '{spec.Name}': {train.Rows.Rows} training rows in {from:O}..{cutoff:O}, at least {_options.MinTrainingRows} needed (skipped: {FormatSkipped(joined.Skipped)})."));
        }

        // 3. Fit.
        progress?.Report(new TrainingProgress(TrainingStage.Fitting, 0, 1, spec.Name));
        cancellationToken.ThrowIfCancellationRequested();
        var scaler = FeatureScaler.Fit(train.Rows, [.. spec.Features.Select(f => f.Scaling)]);
        var forest = IsolationForestModel.Fit(scaler.Transform(train.Rows), spec.Forest);
        var candidate = new AnomalyModel("unsaved", [.. spec.Features.Select(f => f.Name)], scaler, forest);
        progress?.Report(new TrainingProgress(TrainingStage.Fitting, 1, 1, spec.Name));

        // 4. Validate beside the active model, if there is one this job could swap for.
        progress?.Report(new TrainingProgress(TrainingStage.Validating, 0, 1, spec.Name));
        var (active, notCompared) = LoadComparableActive(spec.Name, candidate);
        var validation = Validator.Compare(candidate, active, holdout, spec.Incidents);
        progress?.Report(new TrainingProgress(TrainingStage.Validating, 1, 1, spec.Name));

        // 5. Write the candidate.
        progress?.Report(new TrainingProgress(TrainingStage.Writing, 0, 1, spec.Name));
        var file = ModelFileFormat.Create(
            new ModelDescription
            {
                Name = spec.Name,
                CreatedAt = _time.GetUtcNow(),
                Queries = [.. spec.Features.Select(f => f.Query)],
                JoinLabels = spec.JoinLabels,
                Step = spec.Step,
                Training = new TrainingInfo { From = from, To = cutoff, Rows = train.Rows.Rows, Skipped = joined.Skipped },
                Validation = validation.ToMetrics(),
                Contamination = spec.Forest.Contamination,
                RandomState = spec.Forest.RandomState,
                MaxFeatures = spec.Forest.MaxFeatures,
            },
            candidate);
        var path = _store.WriteCandidate(file);
        progress?.Report(new TrainingProgress(TrainingStage.Writing, 1, 1, spec.Name));

        return new TrainingResult
        {
            Candidate = file,
            CandidatePath = path,
            TrainingRows = train.Rows.Rows,
            HoldoutRows = holdout.Rows.Rows,
            Skipped = joined.Skipped,
            Validation = validation,
            ActiveNotCompared = notCompared,
            Duration = _time.GetElapsedTime(started),
        };
    }

    private (AnomalyModel? Active, string? Reason) LoadComparableActive(string name, AnomalyModel candidate)
    {
        if (!_store.HasActive(name))
        {
            return (null, "no active model");
        }

        try
        {
            var active = _store.LoadActive(name).Model;
            return active.FeatureNames.SequenceEqual(candidate.FeatureNames, StringComparer.Ordinal)
                ? (active, null)
                : (null, $"active model {active.Version} has different features");
        }
        catch (ModelFileException ex)
        {
            // A broken active model must not stop training its replacement.
            return (null, ex.Message);
        }
    }

    private static string FormatSkipped(IReadOnlyDictionary<string, long> skipped)
        => skipped.Count == 0 ? "none" : string.Join(", ", skipped.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")));
}
