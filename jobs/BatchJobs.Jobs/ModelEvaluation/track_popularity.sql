-- track_popularity: the popularity baseline's ranking. Every track of the model by its number of training users (zero
-- affinities count: the user played it), most first, ties to the lower track_index; popularity_rank runs from 1.
with

played as (
    select user_index, track_index
    from interactions
),

listeners as (
    select track_index, count(distinct user_index) as users
    from played
    group by track_index
),

final as (
    select
        track_index,
        cast(row_number() over (order by users desc, track_index) as int) as popularity_rank
    from listeners
)

select * from final
