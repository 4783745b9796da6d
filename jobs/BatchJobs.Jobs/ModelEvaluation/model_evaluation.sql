-- model_evaluation: one row per model, the per-user metrics of the kernel stage user_metrics averaged over the
-- evaluated users, and coverage: the distinct tracks of the evaluated users' lists over the tracks of the model.
-- k is the job's parameter (job_params).
-- The per-user metrics are summed as whole multiples of 2^-40 (1099511627776 = 2^40): integers add the same in any
-- order, so the result does not depend on how an engine splits the rows among its threads (double sums did, in the
-- last digits); rounding moves a mean by at most 2^-41.
with

metrics as (
    select model, user_index, precision, recall, map, ndcg
    from user_metrics
),

lists as (
    select model, track_index
    from recommendations
),

known_tracks as (
    select track_index
    from track_index
),

parameters as (
    select k
    from job_params
),

catalogue as (
    select count(*) as tracks
    from known_tracks
),

per_model as (
    select
        model,
        count(*) as users,
        cast(sum(cast(round(precision * 1099511627776.0) as bigint)) as double) / 1099511627776.0 as precision_sum,
        cast(sum(cast(round(recall * 1099511627776.0) as bigint)) as double) / 1099511627776.0 as recall_sum,
        cast(sum(cast(round(map * 1099511627776.0) as bigint)) as double) / 1099511627776.0 as map_sum,
        cast(sum(cast(round(ndcg * 1099511627776.0) as bigint)) as double) / 1099511627776.0 as ndcg_sum
    from metrics
    group by model
),

coverage_per_model as (
    select model, count(distinct track_index) as distinct_tracks
    from lists
    group by model
),

final as (
    select
        per_model.model,
        parameters.k,
        cast(per_model.users as int) as users,
        per_model.precision_sum / cast(per_model.users as double) as precision,
        per_model.recall_sum / cast(per_model.users as double) as recall,
        per_model.map_sum / cast(per_model.users as double) as map,
        per_model.ndcg_sum / cast(per_model.users as double) as ndcg,
        case when catalogue.tracks = 0 then 0.0
            else cast(coalesce(coverage_per_model.distinct_tracks, 0) as double) / cast(catalogue.tracks as double) end as coverage
    from per_model
    left join coverage_per_model on coverage_per_model.model = per_model.model
    cross join parameters
    cross join catalogue
)

select * from final order by model
