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
new_values as (  -- what a kept action's fields hold in its edition
    select k.source_id, k.action_id, k.edition_seq, v.field, v.value
    from kept as k
    join tracked as v on v.action_id = k.action_id and v.edition_seq = k.edition_seq
),
old_values as (  -- and in the edition before, on the same row as the kept edition
    select k.source_id, k.action_id, k.edition_seq, v.field, v.value
    from kept as k
    join tracked as v on v.action_id = k.action_id and v.edition_seq = k.edition_seq - 1
)
-- one full join on equalities: a field either edition fills, once (a union of the fields, then a left join
-- to each side, sorted the 120,000 values three times on PostgreSQL)
select
    coalesce(n.source_id, o.source_id) as source_id,
    coalesce(n.action_id, o.action_id) as action_id,
    coalesce(n.edition_seq, o.edition_seq) as edition_seq,
    coalesce(n.field, o.field) as field,
    o.value as old_value,
    n.value as new_value
from new_values as n
full join old_values as o on o.action_id = n.action_id and o.edition_seq = n.edition_seq and o.field = n.field
where n.value is distinct from o.value
