-- over_artist_cap: how many rows of editorial_playlists are past their template's artist cap in a user's playlist (the
-- output does not carry the cap; editorial_templates, bound by the job, does), for the contract's blocking check.
with

playlists as (
    select template_id, user_id, artist_id
    from editorial_playlists
),

templates as (
    select template_id, max_per_artist
    from editorial_templates
),

per_artist as (
    select template_id, user_id, artist_id, count(*) as picks
    from playlists
    group by template_id, user_id, artist_id
),

final as (
    select cast(coalesce(sum(case when per_artist.picks > templates.max_per_artist then per_artist.picks - templates.max_per_artist else 0 end), 0) as bigint) as over_artist_cap_rows
    from per_artist
    inner join templates on templates.template_id = per_artist.template_id
)

select * from final
