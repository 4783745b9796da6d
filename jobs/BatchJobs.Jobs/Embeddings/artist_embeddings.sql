-- artist_embeddings: each artist's vector (als_factors rows of kind 'artist': the affinity-weighted mean of its
-- tracks' vectors) with its id and number of tracks.
with

factors as (
    select row_index, tracks, vector
    from als_factors
    where kind = 'artist'
),

artists as (
    select distinct artist_id, artist_index
    from track_index
    where artist_id is not null
),

final as (
    select artists.artist_id, factors.tracks, factors.vector
    from factors
    inner join artists on artists.artist_index = factors.row_index
)

select * from final order by artist_id
