-- user_index: every user of the day's user_track_affinity, numbered from 0 in id order: the rows of the ALS model.
with

affinity as (
    select user_id
    from user_track_affinity
),

users as (
    select distinct user_id
    from affinity
),

final as (
    select
        user_id,
        cast(row_number() over (order by user_id) - 1 as int) as user_index
    from users
)

select * from final
