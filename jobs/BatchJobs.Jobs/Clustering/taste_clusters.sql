-- taste_clusters: each cluster with its label, leading genre, top artists, size and centroid (the 'cluster' rows of
-- taste_fit).
with

fitted as (
    select kind, cluster_id, label, leading_genre, genre_share, top_artist_ids, tracks, centroid
    from taste_fit
),

final as (
    select cluster_id, label, leading_genre, genre_share, top_artist_ids, tracks, centroid
    from fitted
    where kind = 'cluster'
)

select * from final order by cluster_id
