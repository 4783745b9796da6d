using System.Globalization;
using System.Text.Json;
using BatchJobs.Scheduler.Backfills;
using Microsoft.Data.Sqlite;

namespace BatchJobs.Scheduler.History;

/// <summary>
/// The run history, partition leases, first deliveries and backfills in <c>&lt;root&gt;/scheduler.db</c> (SQLite). The
/// program creates and migrates the schema itself (<c>schema_version</c>).
/// </summary>
/// <remarks>
/// Safe to use from several threads and several processes at once: every call opens its own (pooled) connection,
/// writes run in <c>BEGIN IMMEDIATE</c> transactions, so a read-decide-write sequence holds the write lock from its
/// first read, and a busy database is waited for up to 30 seconds. The journal is WAL, so readers never wait for the
/// writer. Times are stored as UTC ISO-8601 text, dates as <c>YYYY-MM-DD</c>.
/// </remarks>
public sealed class RunStore
{
    /// <summary>The file name below the root.</summary>
    public const string FileName = "scheduler.db";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private const string RunColumns =
        "id, job, partition_date, logical_date, attempt, run_trigger, backfill_id, status, created_at, started_at, ended_at, exit_code, error, " +
        "next_attempt_at, snapshot_run_id, inputs, outputs, host, process_id, polls, log_file";

    private static readonly string Host = Environment.MachineName;
    private readonly string connectionString;

    private RunStore(string path)
    {
        DatabasePath = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>The newest schema version this program knows.</summary>
    public static int LatestSchemaVersion => SchemaMigrations.All[^1].Version;

    /// <summary>Opens (creating or migrating) the store of a root folder.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer program.</exception>
    public static RunStore Open(string root)
    {
        Directory.CreateDirectory(root);
        var store = new RunStore(Path.Combine(Path.GetFullPath(root), FileName));
        store.Migrate();
        return store;
    }

    /// <summary>True when a root already holds a run history (so read-only callers need not create one).</summary>
    public static bool Exists(string root) => File.Exists(Path.Combine(root, FileName));

    /// <summary>The schema versions applied, oldest first.</summary>
    public IReadOnlyList<int> AppliedVersions()
    {
        using var connection = Connect();
        return Query(connection, null, "select version from schema_version order by version", [], r => r.GetInt32(0));
    }

    /// <summary>The first logical date the scheduler is responsible for, once a tick has recorded it.</summary>
    public DateOnly? StartDate()
    {
        using var connection = Connect();
        var value = Query(connection, null, "select value from settings where key = 'start_date'", [], r => r.GetString(0)).SingleOrDefault();
        return value is null ? null : ParseDate(value);
    }

    /// <summary>
    /// Records the start date if none is recorded (or replaces it when <paramref name="replace"/>) and returns the
    /// recorded one, so concurrent first ticks agree.
    /// </summary>
    public DateOnly EnsureStartDate(DateOnly proposed, bool replace)
    {
        if (StartDate() is { } recorded && (!replace || recorded == proposed)) return recorded;
        return Write((connection, transaction) =>
        {
            var sql = replace
                ? "insert into settings (key, value) values ('start_date', $value) on conflict (key) do update set value = excluded.value"
                : "insert into settings (key, value) values ('start_date', $value) on conflict (key) do nothing";
            Execute(connection, transaction, sql, [("$value", FormatDate(proposed))]);
            return ParseDate(Query(connection, transaction, "select value from settings where key = 'start_date'", [], r => r.GetString(0)).Single());
        });
    }

    /// <summary>
    /// Starts a run under the partition's lease, or says why not: a live lease elsewhere, or the request's own rule.
    /// An expired lease is taken over and its run recorded as abandoned first.
    /// </summary>
    /// <param name="request">What to start, when, and the rule that may refuse it.</param>
    /// <param name="nextAttemptOfAbandoned">When an abandoned run may be retried (null: never), from its record.</param>
    public StartResult TryStart(StartRequest request, Func<RunRecord, DateTimeOffset?> nextAttemptOfAbandoned) => Write((connection, transaction) =>
    {
        var partition = FormatDate(request.Partition);
        var lease = Query(connection, transaction, "select run_id, host, process_id, expires_at from leases where job = $job and partition_date = $partition",
            [("$job", request.Job), ("$partition", partition)], r => (RunId: r.GetInt64(0), Host: r.GetString(1), Pid: r.GetInt32(2), ExpiresAt: ParseTime(r.GetString(3)))).SingleOrDefault();
        if (lease != default)
        {
            if (lease.ExpiresAt > request.Now)
                return new StartResult(null, $"leased by run #{lease.RunId} on {lease.Host} (process {lease.Pid}) until {lease.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC") { Leased = true };
            Abandon(connection, transaction, lease.RunId, lease.Host, lease.Pid, lease.ExpiresAt, nextAttemptOfAbandoned);
        }
        var latest = LatestRun(connection, transaction, request.Job, request.Partition);
        var refusal = request.Refuse(latest);
        if (refusal is not null) return new StartResult(null, refusal);

        var now = FormatTime(request.Now);
        long id;
        if (latest is { Status: RunStatus.Waiting } && latest.Trigger == request.Trigger && latest.BackfillId == request.BackfillId)
        {
            id = latest.Id;
            Execute(connection, transaction, """
                update runs set status = 'running', started_at = $now, ended_at = null, exit_code = null, error = null, polls = polls + 1,
                    host = $host, process_id = $pid
                where id = $id
                """, [("$now", now), ("$host", Host), ("$pid", Environment.ProcessId), ("$id", id)]);
        }
        else
        {
            id = Query(connection, transaction, """
                insert into runs (job, partition_date, logical_date, attempt, run_trigger, backfill_id, status, created_at, started_at, host, process_id)
                values ($job, $partition, $logical, $attempt, $trigger, $backfill, 'running', $now, $now, $host, $pid)
                returning id
                """,
                [("$job", request.Job), ("$partition", partition), ("$logical", FormatDate(request.LogicalDate)), ("$attempt", AttemptAfter(latest)),
                 ("$trigger", Name(request.Trigger)), ("$backfill", request.BackfillId), ("$now", now), ("$host", Host), ("$pid", Environment.ProcessId)],
                r => r.GetInt64(0)).Single();
        }
        Execute(connection, transaction, """
            insert into leases (job, partition_date, run_id, host, process_id, acquired_at, expires_at) values ($job, $partition, $id, $host, $pid, $now, $expires)
            on conflict (job, partition_date) do update set run_id = excluded.run_id, host = excluded.host, process_id = excluded.process_id,
                acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
            """,
            [("$job", request.Job), ("$partition", partition), ("$id", id), ("$host", Host), ("$pid", Environment.ProcessId), ("$now", now),
             ("$expires", FormatTime(request.Now + request.LeaseDuration))]);
        return new StartResult(ReadRun(connection, transaction, id), null);
    });

    /// <summary>Extends a run's lease; false when the run no longer holds it (it expired and was taken over).</summary>
    public bool RenewLease(long runId, DateTimeOffset expiresAt) => Write((connection, transaction) =>
        Execute(connection, transaction, "update leases set expires_at = $expires where run_id = $id", [("$expires", FormatTime(expiresAt)), ("$id", runId)]) > 0);

    /// <summary>Records how a run ended, releases its lease, and keeps the first delivery of each published partition.</summary>
    public void Finish(long runId, RunCompletion completion) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, """
            update runs set status = $status, ended_at = $ended, exit_code = $exit, error = $error, next_attempt_at = $next, snapshot_run_id = $snapshot,
                inputs = $inputs, outputs = $outputs, log_file = coalesce($log, log_file)
            where id = $id
            """,
            [("$status", Name(completion.Status)), ("$ended", FormatTime(completion.EndedAt)), ("$exit", completion.ExitCode), ("$error", completion.Error),
             ("$next", completion.NextAttemptAt is { } next ? FormatTime(next) : null), ("$snapshot", completion.SnapshotRunId),
             ("$inputs", JsonSerializer.Serialize(completion.Inputs)), ("$outputs", JsonSerializer.Serialize(completion.Outputs)), ("$log", completion.LogFile), ("$id", runId)]);
        Execute(connection, transaction, "delete from leases where run_id = $id", [("$id", runId)]);
        foreach (var delivery in completion.Deliveries)
            Execute(connection, transaction, """
                insert into deliveries (dataset, partition_date, published_at, snapshot_run_id, run_id) values ($dataset, $partition, $at, $snapshot, $id)
                on conflict (dataset, partition_date) do nothing
                """,
                [("$dataset", delivery.Dataset), ("$partition", FormatDate(delivery.Partition)), ("$at", FormatTime(delivery.PublishedAt)),
                 ("$snapshot", delivery.SnapshotRunId), ("$id", runId)]);
        return 0;
    });

    /// <summary>Marks the runs whose leases expired before <paramref name="now"/> as abandoned and frees their partitions.</summary>
    /// <returns>The abandoned runs as recorded afterwards.</returns>
    public IReadOnlyList<RunRecord> ExpireLeases(DateTimeOffset now, Func<RunRecord, DateTimeOffset?> nextAttemptOfAbandoned)
    {
        // Most ticks find nothing expired: look first, so they take no write lock.
        using (var connection = Connect())
            if (Query(connection, null, "select 1 from leases where expires_at <= $now limit 1", [("$now", FormatTime(now))], r => r.GetInt32(0)).Count == 0)
                return [];
        return Write((connection, transaction) =>
        {
            var expired = Query(connection, transaction, "select run_id, host, process_id, expires_at from leases where expires_at <= $now",
                [("$now", FormatTime(now))], r => (RunId: r.GetInt64(0), Host: r.GetString(1), Pid: r.GetInt32(2), ExpiresAt: ParseTime(r.GetString(3))));
            foreach (var lease in expired) Abandon(connection, transaction, lease.RunId, lease.Host, lease.Pid, lease.ExpiresAt, nextAttemptOfAbandoned);
            return (IReadOnlyList<RunRecord>)expired.Select(l => ReadRun(connection, transaction, l.RunId)).ToList();
        });
    }

    /// <summary>The latest run of a partition, or null.</summary>
    public RunRecord? LatestRun(string job, DateOnly partition)
    {
        using var connection = Connect();
        return LatestRun(connection, null, job, partition);
    }

    /// <summary>The latest run of every partition from <paramref name="since"/> on, by job and partition.</summary>
    /// <param name="since">The first partition.</param>
    /// <param name="includeSucceeded">False to leave out partitions whose latest run succeeded (see <see cref="SucceededPartitions"/>).</param>
    public IReadOnlyDictionary<(string Job, DateOnly Partition), RunRecord> LatestRuns(DateOnly since, bool includeSucceeded = true)
    {
        using var connection = Connect();
        return Query(connection, null, $"""
            select {RunColumns} from runs
            where id in (select max(id) from runs where partition_date >= $since group by job, partition_date) and ($all or status <> 'succeeded')
            """,
            [("$since", FormatDate(since)), ("$all", includeSucceeded)], ReadRun).ToDictionary(r => (r.Job, r.Partition));
    }

    /// <summary>
    /// The partitions from <paramref name="since"/> on whose latest run succeeded: the bulk of a long history, read
    /// without materialising their records.
    /// </summary>
    public IReadOnlySet<(string Job, DateOnly Partition)> SucceededPartitions(DateOnly since)
    {
        using var connection = Connect();
        return Query(connection, null, """
            select job, partition_date from runs
            where id in (select max(id) from runs where partition_date >= $since group by job, partition_date) and status = 'succeeded'
            """,
            [("$since", FormatDate(since))], r => (r.GetString(0), ParseDate(r.GetString(1)))).ToHashSet();
    }

    /// <summary>Runs, newest first, optionally only of one job, one status or one backfill.</summary>
    public IReadOnlyList<RunRecord> Runs(string? job = null, RunStatus? status = null, long? backfillId = null, int limit = 100)
    {
        using var connection = Connect();
        return Query(connection, null, $"""
            select {RunColumns} from runs
            where ($job is null or job = $job) and ($status is null or status = $status) and ($backfill is null or backfill_id = $backfill)
            order by id desc limit $limit
            """,
            [("$job", job), ("$status", status is { } s ? Name(s) : null), ("$backfill", backfillId), ("$limit", limit)], ReadRun);
    }

    /// <summary>The median duration of the job's last successful executions, or null when it has none.</summary>
    public TimeSpan? TypicalDuration(string job, int sample = 10)
    {
        using var connection = Connect();
        var durations = Query(connection, null, "select started_at, ended_at from runs where job = $job and status = 'succeeded' order by id desc limit $limit",
            [("$job", job), ("$limit", sample)], r => ParseTime(r.GetString(1)) - ParseTime(r.GetString(0))).Order().ToList();
        return durations.Count == 0 ? null : durations[durations.Count / 2];
    }

    /// <summary>When each dataset partition from <paramref name="since"/> on was first published.</summary>
    public IReadOnlyDictionary<(string Dataset, DateOnly Partition), DateTimeOffset> FirstDeliveries(DateOnly since)
    {
        using var connection = Connect();
        return Query(connection, null, "select dataset, partition_date, published_at from deliveries where partition_date >= $since", [("$since", FormatDate(since))],
            r => (Key: (r.GetString(0), ParseDate(r.GetString(1))), At: ParseTime(r.GetString(2)))).ToDictionary(p => p.Key, p => p.At);
    }

    /// <summary>The unfinished backfill with exactly these targets, range and mode, if any: the one to resume.</summary>
    public BackfillRecord? FindOpenBackfill(IReadOnlyList<string> targets, DateOnly from, DateOnly to, ReprocessMode reprocess)
    {
        using var connection = Connect();
        return Query(connection, null, """
            select id, targets, from_date, to_date, reprocess, created_at, finished_at from backfills
            where targets = $targets and from_date = $from and to_date = $to and reprocess = $reprocess and finished_at is null
            order by id desc limit 1
            """,
            [("$targets", JoinTargets(targets)), ("$from", FormatDate(from)), ("$to", FormatDate(to)), ("$reprocess", Name(reprocess))], ReadBackfill).SingleOrDefault();
    }

    /// <summary>Records a new backfill and its items in plan order.</summary>
    public BackfillRecord CreateBackfill(IReadOnlyList<string> targets, DateOnly from, DateOnly to, ReprocessMode reprocess, DateTimeOffset now,
        IReadOnlyList<(string Job, DateOnly Partition, DateOnly LogicalDate, bool Force)> items) => Write((connection, transaction) =>
    {
        var id = Query(connection, transaction, """
            insert into backfills (targets, from_date, to_date, reprocess, created_at) values ($targets, $from, $to, $reprocess, $now) returning id
            """,
            [("$targets", JoinTargets(targets)), ("$from", FormatDate(from)), ("$to", FormatDate(to)), ("$reprocess", Name(reprocess)), ("$now", FormatTime(now))],
            r => r.GetInt64(0)).Single();
        for (var i = 0; i < items.Count; i++)
            Execute(connection, transaction, """
                insert into backfill_items (backfill_id, sequence, job, partition_date, logical_date, force, status) values ($id, $seq, $job, $partition, $logical, $force, 'pending')
                """,
                [("$id", id), ("$seq", i), ("$job", items[i].Job), ("$partition", FormatDate(items[i].Partition)), ("$logical", FormatDate(items[i].LogicalDate)),
                 ("$force", items[i].Force ? 1 : 0)]);
        return new BackfillRecord(id, targets.Order(StringComparer.Ordinal).ToList(), from, to, reprocess, now, null);
    });

    /// <summary>The items of a backfill in plan order.</summary>
    public IReadOnlyList<BackfillItemRecord> BackfillItems(long backfillId)
    {
        using var connection = Connect();
        return Query(connection, null, "select sequence, job, partition_date, logical_date, force, status, run_id from backfill_items where backfill_id = $id order by sequence",
            [("$id", backfillId)], r => new BackfillItemRecord(r.GetInt32(0), r.GetString(1), ParseDate(r.GetString(2)), ParseDate(r.GetString(3)), r.GetInt32(4) != 0,
                Enum.Parse<BackfillItemStatus>(r.GetString(5), ignoreCase: true), r.IsDBNull(6) ? null : r.GetInt64(6)));
    }

    public void UpdateBackfillItem(long backfillId, string job, DateOnly partition, BackfillItemStatus status, long? runId) => Write((connection, transaction) =>
        Execute(connection, transaction, """
            update backfill_items set status = $status, run_id = coalesce($run, run_id) where backfill_id = $id and job = $job and partition_date = $partition
            """,
            [("$status", Name(status)), ("$run", runId), ("$id", backfillId), ("$job", job), ("$partition", FormatDate(partition))]));

    public void FinishBackfill(long backfillId, DateTimeOffset at) => Write((connection, transaction) =>
        Execute(connection, transaction, "update backfills set finished_at = $at where id = $id", [("$at", FormatTime(at)), ("$id", backfillId)]));

    /// <summary>Lower-case name of an enum value, as stored.</summary>
    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static int AttemptAfter(RunRecord? latest) => latest switch
    {
        null or { Status: RunStatus.Succeeded } => 1,
        { Status: RunStatus.Failed or RunStatus.Abandoned, NextAttemptAt: null } => 1,
        { Status: RunStatus.Failed or RunStatus.Abandoned } => latest.Attempt + 1,
        _ => latest.Attempt,
    };

    private static void Abandon(SqliteConnection connection, SqliteTransaction transaction, long runId, string host, int pid, DateTimeOffset expiredAt,
        Func<RunRecord, DateTimeOffset?> nextAttempt)
    {
        var run = ReadRun(connection, transaction, runId);
        if (run.Status == RunStatus.Running)
            Execute(connection, transaction, """
                update runs set status = 'abandoned', ended_at = $ended, error = $error, next_attempt_at = $next where id = $id
                """,
                [("$ended", FormatTime(expiredAt)), ("$next", nextAttempt(run) is { } next ? FormatTime(next) : null), ("$id", runId),
                 ("$error", $"the lease of {host} (process {pid}) expired at {expiredAt:yyyy-MM-dd HH:mm:ss} UTC without the run finishing; the holder crashed or hung")]);
        Execute(connection, transaction, "delete from leases where run_id = $id", [("$id", runId)]);
    }

    private static RunRecord? LatestRun(SqliteConnection connection, SqliteTransaction? transaction, string job, DateOnly partition) =>
        Query(connection, transaction, $"select {RunColumns} from runs where job = $job and partition_date = $partition order by id desc limit 1",
            [("$job", job), ("$partition", FormatDate(partition))], ReadRun).SingleOrDefault();

    private static RunRecord ReadRun(SqliteConnection connection, SqliteTransaction? transaction, long id) =>
        Query(connection, transaction, $"select {RunColumns} from runs where id = $id", [("$id", id)], ReadRun).Single();

    private static RunRecord ReadRun(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        Job: r.GetString(1),
        Partition: ParseDate(r.GetString(2)),
        LogicalDate: ParseDate(r.GetString(3)),
        Attempt: r.GetInt32(4),
        Trigger: Enum.Parse<RunTrigger>(r.GetString(5), ignoreCase: true),
        BackfillId: r.IsDBNull(6) ? null : r.GetInt64(6),
        Status: Enum.Parse<RunStatus>(r.GetString(7), ignoreCase: true),
        CreatedAt: ParseTime(r.GetString(8)),
        StartedAt: ParseTime(r.GetString(9)),
        EndedAt: r.IsDBNull(10) ? null : ParseTime(r.GetString(10)),
        ExitCode: r.IsDBNull(11) ? null : r.GetInt32(11),
        Error: r.IsDBNull(12) ? null : r.GetString(12),
        NextAttemptAt: r.IsDBNull(13) ? null : ParseTime(r.GetString(13)),
        SnapshotRunId: r.IsDBNull(14) ? null : r.GetString(14),
        Inputs: JsonSerializer.Deserialize<List<string>>(r.GetString(15)) ?? [],
        Outputs: JsonSerializer.Deserialize<List<string>>(r.GetString(16)) ?? [],
        Host: r.GetString(17),
        ProcessId: r.GetInt32(18),
        Polls: r.GetInt32(19),
        LogFile: r.IsDBNull(20) ? null : r.GetString(20));

    private static BackfillRecord ReadBackfill(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1).Split(',').ToList(), ParseDate(r.GetString(2)), ParseDate(r.GetString(3)),
        Enum.Parse<ReprocessMode>(r.GetString(4), ignoreCase: true), ParseTime(r.GetString(5)), r.IsDBNull(6) ? null : ParseTime(r.GetString(6)));

    private void Migrate()
    {
        using var connection = Connect();
        // WAL is a property of the file; setting it is idempotent and must happen outside a transaction.
        Execute(connection, null, "pragma journal_mode = wal", []);
        Write((c, transaction) =>
        {
            Execute(c, transaction, "create table if not exists schema_version (version integer primary key, description text not null, applied_at text not null)", []);
            var current = Query(c, transaction, "select coalesce(max(version), 0) from schema_version", [], r => r.GetInt32(0)).Single();
            if (current > LatestSchemaVersion)
                throw new InvalidOperationException($"{DatabasePath}: schema version {current} was written by a newer batchjobs (this one knows up to {LatestSchemaVersion}); run the newer version");
            foreach (var (version, description, sql) in SchemaMigrations.All.Where(m => m.Version > current))
            {
                Execute(c, transaction, sql, []);
                Execute(c, transaction, "insert into schema_version (version, description, applied_at) values ($v, $d, $at)",
                    [("$v", version), ("$d", description), ("$at", FormatTime(DateTimeOffset.UtcNow))]);
            }
            return 0;
        });
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // SQLite's own busy handler: BEGIN IMMEDIATE and commits wait for another process's write lock.
        Execute(connection, null, "pragma busy_timeout = 30000", []);
        return connection;
    }

    /// <summary>Runs <paramref name="body"/> in a <c>BEGIN IMMEDIATE</c> transaction and commits it.</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> body)
    {
        using var connection = Connect();
        // Not deferred: BEGIN IMMEDIATE takes the write lock before the first read, so no other writer can change what
        // the body reads before it writes.
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = body(connection, transaction);
        transaction.Commit();
        return result;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<(string Name, object? Value)> parameters,
        Func<SqliteDataReader, T> read)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static string JoinTargets(IReadOnlyList<string> targets) => string.Join(",", targets.Order(StringComparer.Ordinal));

    private static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
