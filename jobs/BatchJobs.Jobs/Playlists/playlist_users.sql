-- playlist_users: the source of the per-user playlist kernels, a cogroup of each user of the day's embeddings with
-- its history: one row with the user's vector (row_kind 0), then one row per play in the user_track_affinity window
-- (row_kind 1) of a track the model knows. Grouped by user_id and ordered by row_kind, a group is a small world of
-- users the kernel builds whole. Users without plays still get their vector row, so they are counted as users.
-- The play rows' vector is an untyped null, which both engines widen to the vector rows' list type in the union.
with

users as (
    select user_id, vector
    from user_embeddings
),

tracks as (
    select track_id
    from track_embeddings
),

plays as (
    select user_id, track_id, affinity, streams, skips
    from user_track_affinity
),

user_rows as (
    select
        user_id,
        0 as row_kind,
        vector,
        cast(null as string) as track_id,
        cast(null as double) as affinity,
        cast(null as bigint) as streams,
        cast(null as bigint) as skips
    from users
),

play_rows as (
    select
        plays.user_id,
        1 as row_kind,
        null as vector,
        plays.track_id,
        plays.affinity,
        plays.streams,
        plays.skips
    from plays
    inner join users on plays.user_id = users.user_id
    inner join tracks on plays.track_id = tracks.track_id
),

final as (
    select * from user_rows
    union all
    select * from play_rows
)

select * from final
