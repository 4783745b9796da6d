-- baseline_users: what the popularity baseline needs per evaluated user: the length of the user's playlist (the
-- baseline is as long), the artist cap, and each track in the user's training history, which the baseline leaves out.
-- A user without history has one row with a null played_track_id. The greedy pick itself is a kernel: it walks the
-- tracks in popularity order, which is not a set-based operation.
-- Inputs bound by the engine: user_track_affinity, job_params (max_per_artist) and the earlier stage weekly_playlists.
with

playlists as (
    select user_id, track_id
    from weekly_playlists
),

history as (
    select user_id, track_id
    from user_track_affinity
),

params as (
    select max_per_artist
    from job_params
),

playlist_lengths as (
    select
        user_id,
        count(*) as playlist_length
    from playlists
    group by user_id
),

final as (
    select
        playlist_lengths.user_id,
        cast(playlist_lengths.playlist_length as int) as playlist_length,
        params.max_per_artist,
        history.track_id as played_track_id
    from playlist_lengths
    cross join params
    left join history on playlist_lengths.user_id = history.user_id
)

select * from final
