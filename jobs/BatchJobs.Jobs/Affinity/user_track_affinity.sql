-- user_track_affinity: one row per user and track over the rolling window of listening_events.
-- Inputs bound by the engine: listening_events (the window's partitions, with their partition column dt),
-- affinity_window (dt, recency_weight: one row per day of the window) and job_params (skip_discount). Written in the
-- SQL that DuckDB and Spark SQL share.
-- The day is the partition's dt rather than cast(ts as date): the same day, as ingest keeps only the events inside it,
-- without a cast per row (on 5M events, median 2.73 -> 2.36 s over five runs each, alternated in one process).
with

events as (
    select user_id, track_id, ts, is_stream, is_skip, dt
    from listening_events
),

window_days as (
    select dt, recency_weight
    from affinity_window
),

params as (
    select skip_discount
    from job_params
),

weighted_events as (
    select
        events.user_id,
        events.track_id,
        events.ts,
        events.is_stream,
        events.is_skip,
        window_days.recency_weight
    from events
    inner join window_days on events.dt = window_days.dt
),

per_user_track as (
    select
        user_id,
        track_id,
        count(*) as plays,
        count(case when is_stream then 1 end) as streams,
        count(case when is_skip then 1 end) as skips,
        max(ts) as last_played_at,
        sum(case when is_stream then recency_weight else 0.0 end) as weighted_streams,
        sum(case when is_skip then recency_weight else 0.0 end) as weighted_skips
    from weighted_events
    group by user_id, track_id
),

final as (
    select
        per_user_track.user_id,
        per_user_track.track_id,
        per_user_track.plays,
        per_user_track.streams,
        per_user_track.skips,
        per_user_track.last_played_at,
        cast(greatest(0.0, per_user_track.weighted_streams - params.skip_discount * per_user_track.weighted_skips) as double) as affinity
    from per_user_track
    cross join params
)

select * from final
