-- clustering_input: the day's track vectors under one constant key (k-means clusters them all at once), with their
-- artists; the stage orders them by track_id, so the clustering sees the same order whatever the engine.
with

track_vectors as (
    select track_id, artist_id, vector
    from track_embeddings
),

final as (
    select 0 as model, track_id, artist_id, vector
    from track_vectors
)

select * from final
