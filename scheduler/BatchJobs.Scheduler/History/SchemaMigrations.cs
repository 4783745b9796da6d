namespace BatchJobs.Scheduler.History;

/// <summary>
/// The schema of <c>scheduler.db</c>, as numbered migrations applied in order; <c>schema_version</c> records the ones
/// applied. Append a migration to change the schema; never edit one that has shipped.
/// </summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> All =
    [
        (1, "runs, partition leases, first deliveries, backfills", """
            create table runs (
                id integer primary key autoincrement,
                job text not null,
                partition_date text not null,
                logical_date text not null,
                attempt integer not null,
                run_trigger text not null check (run_trigger in ('scheduled', 'backfill', 'manual')),
                backfill_id integer references backfills(id),
                status text not null check (status in ('running', 'succeeded', 'waiting', 'failed', 'abandoned', 'cancelled')),
                created_at text not null,
                started_at text not null,
                ended_at text,
                exit_code integer,
                error text,
                next_attempt_at text,
                snapshot_run_id text,
                inputs text not null default '[]',
                outputs text not null default '[]',
                host text not null,
                process_id integer not null,
                polls integer not null default 1,
                log_file text
            );
            create index runs_by_partition on runs (job, partition_date, id);
            create index runs_by_status on runs (status, id);

            -- One row per partition being run; a run renews its row, and a row past expires_at belongs to a dead holder.
            create table leases (
                job text not null,
                partition_date text not null,
                run_id integer not null references runs(id),
                host text not null,
                process_id integer not null,
                acquired_at text not null,
                expires_at text not null,
                primary key (job, partition_date)
            );

            -- The first time each dataset partition was published: what SLOs are judged on, even after a reprocess.
            create table deliveries (
                dataset text not null,
                partition_date text not null,
                published_at text not null,
                snapshot_run_id text not null,
                run_id integer references runs(id),
                primary key (dataset, partition_date)
            );

            create table settings (
                key text primary key,
                value text not null
            );

            create table backfills (
                id integer primary key autoincrement,
                targets text not null,
                from_date text not null,
                to_date text not null,
                reprocess text not null check (reprocess in ('none', 'failed', 'all')),
                created_at text not null,
                finished_at text
            );

            create table backfill_items (
                backfill_id integer not null references backfills(id),
                sequence integer not null,
                job text not null,
                partition_date text not null,
                logical_date text not null,
                force integer not null,
                status text not null check (status in ('pending', 'succeeded', 'failed', 'waiting')),
                run_id integer references runs(id),
                primary key (backfill_id, job, partition_date)
            );
            """),
    ];
}
