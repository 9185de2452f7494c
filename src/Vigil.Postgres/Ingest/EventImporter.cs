using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vigil.Postgres.Ingest;

public sealed record ImportProgress(long Lines, long Imported, long Duplicates, long BytesRead, long TotalBytes);

public sealed record ImportResult(long Events, long Inserted, long Duplicates, long TooLate, int Batches);

/// <summary>The file has invalid lines; nothing was imported.</summary>
public sealed class ImportValidationException : Exception
{
    public ImportValidationException(IReadOnlyList<EventError> errors, long errorCount)
        : base(string.Create(CultureInfo.InvariantCulture, $"{errorCount} invalid lines, nothing imported. First: {string.Join("; ", errors.Take(5))}"))
    {
        Errors = errors;
        ErrorCount = errorCount;
    }

    public ImportValidationException()
    {
        Errors = [];
    }

    public ImportValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ImportValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Errors with the file's line number as <see cref="EventError.Index"/> (at most 100).</summary>
    public IReadOnlyList<EventError> Errors { get; }

    public long ErrorCount { get; }
}

/// <summary>
/// Backfills events from an NDJSON or CSV file (<c>vigil events import</c>). The whole file is validated first,
/// so an invalid file imports nothing. Events without a key get one derived from the file's SHA-256 and the line
/// number: importing the same file twice (or resuming after a crash) never double-counts.
/// </summary>
public sealed class EventImporter
{
    private readonly EventIngestor _ingestor;
    private readonly EventValidation _validation;

    public EventImporter(EventIngestor ingestor, EventValidation validation)
    {
        _ingestor = ingestor ?? throw new ArgumentNullException(nameof(ingestor));
        _validation = validation ?? throw new ArgumentNullException(nameof(validation));
    }

    public async Task<ImportResult> ImportAsync(string path, IProgress<ImportProgress>? progress = null, int batchSize = 50_000, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var totalBytes = new FileInfo(path).Length;
        string fileKey;
        await using (var hashStream = File.OpenRead(path))
        {
            fileKey = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashStream, cancellationToken).ConfigureAwait(false))[..16];
        }

        // Pass 1: validate everything, import nothing.
        var kept = new List<EventError>();
        var lineErrors = new List<EventError>();
        long errorCount = 0;
        await foreach (var (line, raw) in ReadAsync(path, lineErrors, cancellationToken).ConfigureAwait(false))
        {
            if (raw is not null)
            {
                _validation.Validate(raw, line, lineErrors);
            }

            var distinct = EventParser.FirstPerField(lineErrors);
            errorCount += distinct.Count;
            kept.AddRange(distinct.Take(100 - kept.Count));
            lineErrors.Clear();
        }

        if (errorCount > 0)
        {
            throw new ImportValidationException(kept, errorCount);
        }

        // Pass 2: import in batches, each batch one all-or-nothing transaction.
        var batch = new List<BusinessEvent>(Math.Min(batchSize, 100_000));
        var batchLines = new List<long>(batch.Capacity);
        long events = 0, inserted = 0, duplicates = 0, tooLate = 0, lines = 0;
        var batches = 0;
        await using var stream = File.OpenRead(path);
        async Task FlushAsync()
        {
            IngestResult result;
            try
            {
                result = await _ingestor.IngestAsync(batch, null, IngestMode.Backfill, cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyConflictException ex) when (ex.Index is { } index)
            {
                // Name the file's line, not the position in the batch. Earlier batches stay imported (each is its
                // own transaction); a re-import after fixing the line skips them as duplicates.
                var line = batchLines[index];
                throw new IdempotencyConflictException(ex.IdempotencyKey, (int)line, string.Create(CultureInfo.InvariantCulture, $"line {line}"), ex.Reason);
            }

            events += result.Received;
            inserted += result.Inserted;
            duplicates += result.Duplicates;
            tooLate += result.TooLate;
            batches++;
            batch.Clear();
            batchLines.Clear();
            progress?.Report(new ImportProgress(lines, inserted, duplicates, stream.Position, totalBytes));
        }

        var scratch = new List<EventError>();
        await foreach (var (line, raw) in ReadAsync(stream, path, scratch, cancellationToken).ConfigureAwait(false))
        {
            lines = line;
            // Validated in pass 1; only the clock can have moved an event past the retention since.
            var valid = _validation.Validate(raw!, line, scratch) ?? throw new ImportValidationException([.. scratch], scratch.Count);
            batchLines.Add(line);
            batch.Add(valid.IdempotencyKey is null ? valid with { IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"import:{fileKey}:{line}") } : valid);
            if (batch.Count >= batchSize)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync().ConfigureAwait(false);
        }

        return new ImportResult(events, inserted, duplicates, tooLate, batches);
    }

    private static async IAsyncEnumerable<(long Line, RawEvent? Event)> ReadAsync(string path, List<EventError> errors, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await foreach (var item in ReadAsync(stream, path, errors, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private static async IAsyncEnumerable<(long Line, RawEvent? Event)> ReadAsync(Stream stream, string path, List<EventError> errors, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var item in EventParser.ReadCsv(reader, errors))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }

            yield break;
        }

        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            RawEvent? raw = null;
            try
            {
                using var document = JsonDocument.Parse(text, JsonDiagnostics.DocumentOptions);
                raw = EventParser.ReadEvent(document.RootElement, line, errors);
            }
            catch (JsonException)
            {
                var (_, offset, reason) = JsonDiagnostics.Locate(Encoding.UTF8.GetBytes(text), array: false);
                errors.Add(new EventError(line, "$", FormattableString.Invariant($"invalid JSON at byte {offset} of the line: {reason}")));
            }

            yield return (line, raw);
        }
    }
}
