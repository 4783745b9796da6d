-- playlist_evaluation: one row per playlist kind, the per-user metrics of the kernel stage playlist_user_metrics summed
-- up: hit rate and precision over active users, mean intra-list diversity over playlists of two tracks or more, mean
-- distinct artists over all playlists, mean popularity rank over all playlist tracks, and coverage (distinct playlist
-- tracks over the tracks of the model). Ratios of empty sets are 0. week is the discover_weekly partition.
-- Inputs bound by the engine: discover_weekly and the earlier stages playlist_user_metrics, evaluation_rows and
-- track_popularity.
with

user_metrics as (
    select playlist, user_id, tracks, hits, is_active, has_pairs, diversity, distinct_artists, rank_sum
    from playlist_user_metrics
),

playlist_tracks as (
    select kind as playlist, track_id
    from evaluation_rows
    where kind <> 'played'
),

model_tracks as (
    select track_id
    from track_popularity
),

playlist_partitions as (
    select dt
    from discover_weekly
),

weeks as (
    select max(dt) as week
    from playlist_partitions
),

catalogue as (
    select count(*) as catalogue_tracks
    from model_tracks
),

per_playlist as (
    select
        playlist,
        count(*) as users,
        sum(case when is_active then 1 else 0 end) as active_users,
        sum(case when is_active and hits > 0 then 1 else 0 end) as users_hit,
        sum(case when is_active then hits else 0 end) as active_hits,
        sum(case when is_active then tracks else 0 end) as active_tracks,
        -- Whole multiples of 2^-40 (1099511627776 = 2^40) add the same in any order, whatever the engine's threads do
        -- (double sums differed in the last digits); rounding moves the mean by at most 2^-41.
        cast(sum(case when has_pairs then cast(round(diversity * 1099511627776.0) as bigint) else 0 end) as double) / 1099511627776.0 as diversity_sum,
        sum(case when has_pairs then 1 else 0 end) as diverse_playlists,
        sum(distinct_artists) as artist_sum,
        sum(tracks) as tracks,
        sum(rank_sum) as rank_sum
    from user_metrics
    group by playlist
),

coverage_per_playlist as (
    select
        playlist,
        count(distinct track_id) as distinct_tracks
    from playlist_tracks
    group by playlist
),

final as (
    select
        per_playlist.playlist,
        weeks.week,
        cast(per_playlist.users as int) as users,
        cast(per_playlist.active_users as int) as active_users,
        case when per_playlist.active_users = 0 then 0.0
            else cast(per_playlist.users_hit as double) / cast(per_playlist.active_users as double) end as hit_rate,
        case when per_playlist.active_tracks = 0 then 0.0
            else cast(per_playlist.active_hits as double) / cast(per_playlist.active_tracks as double) end as precision,
        case when per_playlist.diverse_playlists = 0 then 0.0
            else cast(per_playlist.diversity_sum as double) / cast(per_playlist.diverse_playlists as double) end as intra_list_diversity,
        case when per_playlist.users = 0 then 0.0
            else cast(per_playlist.artist_sum as double) / cast(per_playlist.users as double) end as distinct_artists,
        case when per_playlist.tracks = 0 then 0.0
            else cast(per_playlist.rank_sum as double) / cast(per_playlist.tracks as double) end as mean_popularity_rank,
        case when catalogue.catalogue_tracks = 0 then 0.0
            else cast(coalesce(coverage_per_playlist.distinct_tracks, 0) as double) / cast(catalogue.catalogue_tracks as double) end as coverage
    from per_playlist
    left join coverage_per_playlist on per_playlist.playlist = coverage_per_playlist.playlist
    cross join weeks
    cross join catalogue
)

select * from final
