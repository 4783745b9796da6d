-- no_templates: the week's editorial_playlists when no editor handed in a template: no rows, the contract's columns.
with

final as (
    select
        cast(null as string) as template_id,
        cast(null as string) as template_name,
        cast(null as string) as user_id,
        cast(null as int) as position,
        cast(null as string) as track_id,
        cast(null as string) as artist_id,
        cast(null as float) as score
    where 1 = 0
)

select * from final
