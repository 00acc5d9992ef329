-- What each action's tracked fields hold in each published edition, with one rule for format gaps: a field
-- that no row of an edition fills (the file format does not carry it, e.g. the Brazilian CSV has no legal
-- basis) says nothing, so the action keeps its value from its previous edition; a field some rows fill
-- and this row leaves empty is empty. The same per key of `details`. This is the one place that lists the
-- tracked fields: what the publisher says about the action. Not tracked: provenance that moves with every
-- file (edition, source_url, source_sha256, source_locator) and IDs derived here (party_record_id).
{% set tracked = [
    'action_type', 'authority', 'jurisdiction', 'legal_basis', 'party_name', 'party_kind',
    'party_identifiers', 'party_aliases', 'party_former_names', 'related_parties', 'party_country',
    'party_address', 'goods', 'sector_code', 'sector_scheme', 'workers_affected', 'status_raw', 'status',
    'action_date', 'listed_date', 'effective_date', 'ended_date',
] %}
with actions as (
    select source_id, action_id, edition_seq, details, {{ tracked | join(', ') }}
    from {{ ref('int_actions__unioned') }}
),
flagged as (
    select *,
        {% for f in tracked %}
        bool_or({{ f }} is not null) over by_edition as stated_{{ f }}{{ ',' if not loop.last }}
        {% endfor %}
    from actions
    window by_edition as (partition by source_id, edition_seq)
),
canonical as (
    select source_id, action_id, edition_seq, details,
        {% for f in tracked %}
        case when stated_{{ f }} then {{ f }}
             else (last_value(case when stated_{{ f }} then struct_pack(v := {{ f }}) end ignore nulls) over earlier).v
        end as {{ f }}{{ ',' if not loop.last }}
        {% endfor %}
    from flagged
    window earlier as (partition by action_id order by edition_seq rows between unbounded preceding and 1 preceding)
),
detail_items as (
    select a.source_id, a.action_id, a.edition_seq, j.key, j.value
    from actions as a, json_each(a.details) as j
    where json_type(j.value) <> 'NULL'
),
stated_keys as (
    select distinct source_id, edition_seq, key from detail_items
),
key_grid as (  -- each action in each of its editions, for every key its source states somewhere
    select a.action_id, a.edition_seq, k.key, s.key is not null as stated, d.value
    from actions as a
    join (select distinct source_id, key from stated_keys) as k using (source_id)
    left join stated_keys as s on s.source_id = a.source_id and s.edition_seq = a.edition_seq and s.key = k.key
    left join detail_items as d on d.action_id = a.action_id and d.edition_seq = a.edition_seq and d.key = k.key
),
carried_keys as (  -- keys an edition does not state at all, with the action's value where last stated
    select action_id, edition_seq, key, stated,
           (last_value(case when stated then struct_pack(v := value) end ignore nulls) over earlier).v as value
    from key_grid
    window earlier as (partition by action_id, key order by edition_seq
                       rows between unbounded preceding and 1 preceding)
),
carried_details as (
    select action_id, edition_seq,
           json('{' || string_agg(to_json(key) || ':' || value, ',' order by key) || '}') as carried
    from carried_keys
    where not stated and value is not null
    group by action_id, edition_seq
)
select
    c.* exclude (details),
    case when d.carried is null then c.details
         else cast(json_merge_patch(json(c.details), d.carried) as varchar) end as details
from canonical as c
left join carried_details as d using (action_id, edition_seq)
