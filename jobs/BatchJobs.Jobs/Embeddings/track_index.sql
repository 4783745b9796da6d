-- track_index: every track of the day's user_track_affinity, numbered from 0 in id order (the columns of the ALS
-- model), with its artist from the day's catalogue, the artists numbered from 0 in id order. A track the catalogue
-- does not hold keeps a null artist, which the training kernel reports.
with

affinity as (
    select track_id
    from user_track_affinity
),

catalogue as (
    select track_id, artist_id
    from tracks
),

played as (
    select distinct track_id
    from affinity
),

numbered as (
    select
        played.track_id,
        catalogue.artist_id,
        cast(row_number() over (order by played.track_id) - 1 as int) as track_index
    from played
    left join catalogue on catalogue.track_id = played.track_id
),

artists as (
    select
        artist_id,
        cast(row_number() over (order by artist_id) - 1 as int) as artist_index
    from (select distinct artist_id from numbered where artist_id is not null) as played_artists
),

final as (
    select
        numbered.track_id,
        numbered.track_index,
        numbered.artist_id,
        artists.artist_index
    from numbered
    left join artists on artists.artist_id = numbered.artist_id
)

select * from final
