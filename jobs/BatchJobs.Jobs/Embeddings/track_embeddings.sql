-- track_embeddings: each track's trained vector (als_factors rows of kind 'track') with its id and artist.
with

factors as (
    select row_index, vector
    from als_factors
    where kind = 'track'
),

known_tracks as (
    select track_id, track_index, artist_id
    from track_index
),

final as (
    select known_tracks.track_id, known_tracks.artist_id, factors.vector
    from factors
    inner join known_tracks on known_tracks.track_index = factors.row_index
)

select * from final order by track_id
