-- weekly_playlists: the Discover Weekly under evaluation, one row per user and position, keeping only the tracks the
-- model of that day knows: a track without a vector has no popularity, artist or distance to measure. A user none of
-- whose tracks the model knows is not evaluated.
-- Inputs bound by the engine: discover_weekly (the partition of seven days before the logical date) and
-- track_embeddings (the model of that day). Written in the SQL that DuckDB and Spark SQL share.
with

playlists as (
    select user_id, position, track_id
    from discover_weekly
),

model_tracks as (
    select track_id
    from track_embeddings
),

final as (
    select
        playlists.user_id,
        playlists.position,
        playlists.track_id
    from playlists
    inner join model_tracks on playlists.track_id = model_tracks.track_id
)

select * from final
