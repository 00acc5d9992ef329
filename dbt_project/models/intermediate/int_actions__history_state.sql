-- What each action's tracked fields (macro tracked_fields) hold in each published edition, with one rule
-- for format gaps: a field that no row of an edition fills (the file format does not carry it, e.g. the
-- Brazilian CSV has no legal basis) says nothing, so the action keeps its value from its previous edition;
-- a field some rows fill and this row leaves empty is empty. The same per key of `details`.
{% set tracked = tracked_fields() %}
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
             else {{ last_stated(f, 'stated_' ~ f, 'earlier') }}
        end as {{ f }}{{ ',' if not loop.last }}
        {% endfor %}
    from flagged
    window earlier as (partition by action_id order by edition_seq rows between unbounded preceding and 1 preceding)
),
detail_items as (
    select a.source_id, a.action_id, a.edition_seq, j.key, j.value
    from actions as a, {{ json_entries('a.details', 'j') }}
    where not {{ json_type_is('j.value', 'NULL') }}
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
           {{ last_stated('value', 'stated', 'earlier') }} as value
    from key_grid
    window earlier as (partition by action_id, key order by edition_seq
                       rows between unbounded preceding and 1 preceding)
),
carried_details as (
    select action_id, edition_seq,
           {{ json_object_agg_text('key', 'value') }} as carried
    from carried_keys
    where not stated and value is not null
    group by action_id, edition_seq
)
select
    c.source_id, c.action_id, c.edition_seq, {% for f in tracked %}c.{{ f }}, {% endfor %}
    case when d.carried is null then c.details
         else {{ json_patch_text('c.details', 'd.carried') }} end as details
from canonical as c
left join carried_details as d using (action_id, edition_seq)
