-- When each action was seen: first and last published edition, and the edition in which it disappeared
-- (the first published edition of its source after the last one that listed it) with that edition's as-of
-- date. Derived from the archive, kept apart from any official end date.
with seen as (
    select source_id, action_id, min(edition_seq) as first_seq, max(edition_seq) as last_seq
    from {{ ref('int_actions__unioned') }}
    group by source_id, action_id
),
editions as (
    select source_id, edition, edition_seq, as_of_date from {{ ref('int_editions__published') }}
)
select
    s.source_id,
    s.action_id,
    f.edition as first_seen_edition,
    l.edition as last_seen_edition,
    r.edition as removed_in_edition,
    r.as_of_date as removed_date
from seen as s
join editions as f on f.source_id = s.source_id and f.edition_seq = s.first_seq
join editions as l on l.source_id = s.source_id and l.edition_seq = s.last_seq
left join editions as r on r.source_id = s.source_id and r.edition_seq = s.last_seq + 1
