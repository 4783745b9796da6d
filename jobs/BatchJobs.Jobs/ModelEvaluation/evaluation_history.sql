-- evaluation_history: per evaluated user (one with a first play), each track of its training history, which neither
-- list may recommend, beside the user's trained vector, so that one kernel group holds all that a user's lists need.
-- Every user of the model has at least one history row, so no evaluated user is lost here.
with

played as (
    select user_index, track_index
    from interactions
),

test_pairs as (
    select user_index
    from first_plays
),

user_factors as (
    select row_index as user_index, vector
    from als_factors
    where kind = 'user'
),

evaluated_users as (
    select distinct user_index
    from test_pairs
),

final as (
    select played.user_index, played.track_index, user_factors.vector
    from played
    inner join evaluated_users on evaluated_users.user_index = played.user_index
    inner join user_factors on user_factors.user_index = played.user_index
)

select * from final
