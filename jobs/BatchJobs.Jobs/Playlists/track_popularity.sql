-- track_popularity: one row per track of the day's model with its listeners, the users of the model who played it in
-- the user_track_affinity window. Playlist kernels rank unplayed tracks by it when scores tie, and the fallback picks
-- popular tracks, so it must count the whole history, not one group of users. Every track has a row (0 listeners
-- included), so a kernel's side input is never empty while the model has tracks.
-- count(*) of plays counts users: user_track_affinity has one row per user and track (its primary key, checked).
with

tracks as (
    select track_id
    from track_embeddings
),

users as (
    select user_id
    from user_embeddings
),

plays as (
    select user_id, track_id
    from user_track_affinity
),

known_plays as (
    select plays.user_id, plays.track_id
    from plays
    inner join users on plays.user_id = users.user_id
),

final as (
    select
        tracks.track_id,
        cast(count(known_plays.user_id) as int) as listeners
    from tracks
    left join known_plays on tracks.track_id = known_plays.track_id
    group by tracks.track_id
)

select * from final
