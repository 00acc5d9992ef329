-- The tracked state of int_actions__history_state in long form, one row per (action, edition, field) with
-- the value as text: each tracked column, and each key of `details` as `details.<key>` except `row_id` (a
-- publisher's row number, renumbered at every update) and `*_raw` (as-published text whose parsed form is
-- tracked beside it). Empty fields are absent, so "empty" and "no such key" compare equal.
-- Changes between editions (int_actions__history_changes) and between releases (fast_pipeline.release)
-- compare these rows.
with state as (
    select * exclude (details) from {{ ref('int_actions__history_state') }}
),
as_text as (
    select source_id, action_id, edition_seq, columns(* exclude (source_id, action_id, edition_seq))::varchar
    from state
),
canonical as (
    unpivot as_text on columns(* exclude (source_id, action_id, edition_seq)) into name field value value
),
details as (
    select s.source_id, s.action_id, s.edition_seq, 'details.' || j.key as field,
           json_extract_string(j.value, '$') as value
    from {{ ref('int_actions__history_state') }} as s, json_each(s.details) as j
    where j.key <> 'row_id' and not ends_with(j.key, '_raw')
)
select source_id, action_id, edition_seq, field, value
from (select * from canonical union all select * from details)
where value is not null
