-- track_popularity: every track of the model with how many evaluated users have it in their training history
-- (user_track_affinity of the day the playlists were built), ranked 1 = most listeners, ties by track_id (the row order
-- of track_embeddings, which train-embeddings writes sorted by track_id). Only users with a playlist under evaluation
-- count, so the ranks describe the population the playlists are measured on.
-- Inputs bound by the engine: track_embeddings, user_track_affinity and the earlier stage weekly_playlists.
with

model_tracks as (
    select track_id, artist_id
    from track_embeddings
),

history as (
    select user_id, track_id
    from user_track_affinity
),

playlists as (
    select user_id
    from weekly_playlists
),

evaluated_users as (
    select distinct user_id
    from playlists
),

listeners_per_track as (
    select
        history.track_id,
        count(distinct history.user_id) as listeners
    from history
    inner join evaluated_users on history.user_id = evaluated_users.user_id
    group by history.track_id
),

with_listeners as (
    select
        model_tracks.track_id,
        model_tracks.artist_id,
        coalesce(listeners_per_track.listeners, 0) as listeners
    from model_tracks
    left join listeners_per_track on model_tracks.track_id = listeners_per_track.track_id
),

final as (
    select
        track_id,
        artist_id,
        cast(listeners as int) as listeners,
        cast(row_number() over (order by listeners desc, track_id) as int) as popularity_rank
    from with_listeners
)

select * from final
