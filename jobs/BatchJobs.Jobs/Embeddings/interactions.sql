-- interactions: the day's user_track_affinity as (user_index, track_index, affinity) of the ALS model, zero
-- affinities included (they register the user and the track). model is one constant key: ALS trains on all of it.
with

affinity as (
    select user_id, track_id, affinity
    from user_track_affinity
),

users as (
    select user_id, user_index
    from user_index
),

known_tracks as (
    select track_id, track_index
    from track_index
),

final as (
    select
        0 as model,
        users.user_index,
        known_tracks.track_index,
        cast(affinity.affinity as float) as affinity
    from affinity
    inner join users on users.user_id = affinity.user_id
    inner join known_tracks on known_tracks.track_id = affinity.track_id
)

select * from final
