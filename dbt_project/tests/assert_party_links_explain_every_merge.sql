-- Every merge is explained once: a party of n records has exactly n - 1 `same` links, all inside it.
{{ config(meta={'dagster': {'ref': {'name': 'party_links'}}}) }}  -- a check on party_links in Dagster
with same_links as (
    select left_party_id as party_id, count(*) as links
    from {{ ref('party_links') }}
    where relation = 'same'
    group by left_party_id
)
select p.party_id, p.record_count, coalesce(l.links, 0) as links
from {{ ref('parties') }} as p
left join same_links as l using (party_id)
where coalesce(l.links, 0) <> p.record_count - 1
union all
select left_party_id, null, null
from {{ ref('party_links') }}
where relation = 'same' and left_party_id <> right_party_id
