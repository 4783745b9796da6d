-- evaluation_rows: per evaluated user, the two playlists and the test plays side by side, so that one kernel group holds
-- everything a user's metrics need: kind 'discover_weekly' and 'popularity_baseline' rows are playlist tracks with
-- their position, kind 'played' rows are the distinct tracks of the model the user played in the held-out week
-- (position 0). A user is active when it has a 'played' row.
-- Inputs bound by the engine: listening_events (the seven days since the playlists), track_embeddings and the earlier
-- stages weekly_playlists and popularity_baseline.
with

playlists as (
    select user_id, position, track_id
    from weekly_playlists
),

baseline as (
    select user_id, position, track_id
    from popularity_baseline
),

events as (
    select user_id, track_id
    from listening_events
),

model_tracks as (
    select track_id
    from track_embeddings
),

evaluated_users as (
    select distinct user_id
    from playlists
),

test_plays as (
    select distinct
        events.user_id,
        events.track_id
    from events
    inner join evaluated_users on events.user_id = evaluated_users.user_id
    inner join model_tracks on events.track_id = model_tracks.track_id
),

final as (
    select 'discover_weekly' as kind, user_id, position, track_id from playlists
    union all
    select 'popularity_baseline' as kind, user_id, position, track_id from baseline
    union all
    select 'played' as kind, user_id, 0 as position, track_id from test_plays
)

select * from final
