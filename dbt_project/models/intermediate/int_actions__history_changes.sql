-- Field changes of every action listed in two consecutive published editions of its source: one row per
-- tracked field whose value differs (see int_actions__history_values), with the old and new value as text.
with tracked as (
    select * from {{ ref('int_actions__history_values') }}
),
present as (
    select source_id, action_id, edition_seq from {{ ref('int_actions__unioned') }}
),
kept as (
    select c.source_id, c.action_id, c.edition_seq
    from present as c
    join present as p on p.action_id = c.action_id and p.edition_seq = c.edition_seq - 1
),
kept_fields as (  -- every field either edition fills (two equality joins: one on `in (seq, seq - 1)` paired
                   -- each kept row with every edition of its action, quadratic in the number of editions)
    select k.source_id, k.action_id, k.edition_seq, v.field
    from kept as k
    join tracked as v on v.action_id = k.action_id and v.edition_seq = k.edition_seq
    union
    select k.source_id, k.action_id, k.edition_seq, v.field
    from kept as k
    join tracked as v on v.action_id = k.action_id and v.edition_seq = k.edition_seq - 1
)
select f.source_id, f.action_id, f.edition_seq, f.field, o.value as old_value, n.value as new_value
from kept_fields as f
left join tracked as n on n.action_id = f.action_id and n.edition_seq = f.edition_seq and n.field = f.field
left join tracked as o on o.action_id = f.action_id and o.edition_seq = f.edition_seq - 1 and o.field = f.field
where n.value is distinct from o.value
