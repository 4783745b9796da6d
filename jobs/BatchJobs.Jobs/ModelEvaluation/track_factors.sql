-- track_factors: the trained track vectors by track_index (als_factors rows of kind 'track'), the side input every
-- scoring worker loads whole; the user vectors travel with their users' rows instead (evaluation_history).
with

factors as (
    select row_index, vector
    from als_factors
    where kind = 'track'
),

final as (
    select row_index as track_index, vector
    from factors
)

select * from final
