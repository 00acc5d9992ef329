-- The tracked state of int_actions__history_state in long form, one row per (action, edition, field) with
-- the value as text: each tracked column, and each key of `details` as `details.<key>` except `row_id` (a
-- publisher's row number, renumbered at every update) and `*_raw` (as-published text whose parsed form is
-- tracked beside it). Empty fields are absent, so "empty" and "no such key" compare equal.
-- Changes between editions (int_actions__history_changes) and between releases (fast_pipeline.release)
-- compare these rows.
{% set tracked = tracked_fields() %}
with as_text as (
    select source_id, action_id, edition_seq, {% for f in tracked %}cast({{ f }} as varchar) as {{ f }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ ref('int_actions__history_state') }}
),
canonical as (
    {{ unpivot_text('as_text', ['source_id', 'action_id', 'edition_seq'], tracked) }}
),
details as (
    select s.source_id, s.action_id, s.edition_seq, 'details.' || j.key as field,
           {{ json_as_text('j.value') }} as value
    from {{ ref('int_actions__history_state') }} as s, {{ json_entries('s.details', 'j') }}
    where j.key <> 'row_id' and right(j.key, 4) <> '_raw'
)
select source_id, action_id, edition_seq, field, value
from (select * from canonical union all select * from details) as tracked_values
where value is not null
