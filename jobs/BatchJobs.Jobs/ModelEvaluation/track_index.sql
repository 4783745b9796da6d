-- track_index: every track of user_track_affinity (seven days back), numbered from 0 in id order: the columns of the
-- ALS model, numbered as train-embeddings numbers them, so the evaluated model is trained as that job trains it. No
-- artists: the evaluation has no catalogue and needs none.
with

affinity as (
    select track_id
    from user_track_affinity
),

played as (
    select distinct track_id
    from affinity
),

final as (
    select
        track_id,
        cast(row_number() over (order by track_id) - 1 as int) as track_index
    from played
)

select * from final
