-- user_embeddings: each user's trained vector (als_factors rows of kind 'user') with its id.
with

factors as (
    select row_index, vector
    from als_factors
    where kind = 'user'
),

users as (
    select user_id, user_index
    from user_index
),

final as (
    select users.user_id, factors.vector
    from factors
    inner join users on users.user_index = factors.row_index
)

select * from final order by user_id
