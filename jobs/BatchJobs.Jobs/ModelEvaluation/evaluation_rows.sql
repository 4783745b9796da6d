-- evaluation_rows: per evaluated user, both recommendation lists and the test set side by side, so that one kernel
-- group holds everything a user's metrics need: kind 'als' and 'popularity' rows are list tracks with their position,
-- kind 'test' rows are the user's first plays (position 0).
with

lists as (
    select model, user_index, position, track_index
    from recommendations
),

test_pairs as (
    select user_index, track_index
    from first_plays
),

final as (
    select model as kind, user_index, position, track_index from lists
    union all
    select 'test' as kind, user_index, 0 as position, track_index from test_pairs
)

select * from final
