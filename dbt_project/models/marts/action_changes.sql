-- The change log between consecutive published editions of each source: actions added (the first edition
-- of a source adds all its actions), removed, and changed field by field (int_actions__history_changes).
-- `relisted` marks an addition of an action an earlier edition had already listed, e.g. after a court order.
with editions as (
    select source_id, edition, edition_date, as_of_date, edition_seq from {{ ref('int_editions__published') }}
),
steps as (
    select e.source_id, e.edition, e.edition_date, e.as_of_date, e.edition_seq, p.edition as previous_edition
    from editions as e
    left join editions as p on p.source_id = e.source_id and p.edition_seq = e.edition_seq - 1
),
actions as (
    select source_id, action_id, edition_seq, natural_key, party_name,
           min(edition_seq) over (partition by action_id) as first_edition_seq
    from {{ ref('int_actions__unioned') }}
),
added as (
    select c.source_id, c.edition_seq, c.action_id, 'added' as change,
           cast(null as varchar) as field, cast(null as varchar) as old_value, cast(null as varchar) as new_value,
           -- listed before, in an edition earlier than the one before (a correlated `exists` here scanned
           -- every action once per addition on PostgreSQL)
           c.first_edition_seq < c.edition_seq - 1 as relisted,
           c.natural_key, c.party_name
    from actions as c
    where not exists (select 1 from actions as p where p.action_id = c.action_id and p.edition_seq = c.edition_seq - 1)
),
removed as (
    select p.source_id, p.edition_seq + 1 as edition_seq, p.action_id, 'removed' as change,
           cast(null as varchar) as field, cast(null as varchar) as old_value, cast(null as varchar) as new_value,
           false as relisted, p.natural_key, p.party_name
    from actions as p
    join editions as e on e.source_id = p.source_id and e.edition_seq = p.edition_seq + 1
    where not exists (select 1 from actions as c where c.action_id = p.action_id and c.edition_seq = p.edition_seq + 1)
),
changed as (
    select c.source_id, c.edition_seq, c.action_id, 'changed' as change, c.field, c.old_value, c.new_value,
           false as relisted, a.natural_key, a.party_name
    from {{ ref('int_actions__history_changes') }} as c
    join actions as a using (action_id, edition_seq)
),
all_changes as (
    select * from added
    union all select * from removed
    union all select * from changed
)
select
    c.source_id,
    c.edition_seq,
    s.edition,
    s.edition_date,
    s.as_of_date,
    s.previous_edition,
    c.action_id,
    c.change,
    c.field,
    c.old_value,
    c.new_value,
    c.relisted,
    c.natural_key,
    c.party_name
from all_changes as c
join steps as s using (source_id, edition_seq)
