-- track_clusters: the cluster of every track and its distance to the centroid (the 'track' rows of taste_fit).
with

fitted as (
    select kind, track_id, artist_id, cluster_id, distance
    from taste_fit
),

final as (
    select track_id, artist_id, cluster_id, distance
    from fitted
    where kind = 'track'
)

select * from final order by track_id
