-- first_plays: the test set. The distinct (user_index, track_index) pairs of the last seven days of listening_events
-- that the training data has never seen, zero affinities counting as seen; users and tracks the model does not know are
-- skipped, as the model could not rank them.
with

events as (
    select user_id, track_id
    from listening_events
),

users as (
    select user_id, user_index
    from user_index
),

known_tracks as (
    select track_id, track_index
    from track_index
),

played as (
    select user_index, track_index
    from interactions
),

known_pairs as (
    select distinct
        users.user_index,
        known_tracks.track_index
    from events
    inner join users on users.user_id = events.user_id
    inner join known_tracks on known_tracks.track_id = events.track_id
),

final as (
    select known_pairs.user_index, known_pairs.track_index
    from known_pairs
    left join played on played.user_index = known_pairs.user_index and played.track_index = known_pairs.track_index
    where played.user_index is null
)

select * from final
