-- Per source: the edition a release carries (its latest published one), its dates, and any newer edition
-- that was held back by the publish gate.
with editions as (
    select * from {{ source('raw', 'editions') }}
),
published as (
    select *
    from editions
    where gate_passed
    qualify row_number() over (partition by source_id order by coalesce(edition_date, edition) desc, edition desc) = 1
),
held as (
    select source_id, list(edition order by edition) as held_back_editions,
           list(gate_reasons order by edition) as held_back_reasons
    from editions as e
    where not gate_passed
      and not exists (
          select 1 from published as p
          where p.source_id = e.source_id
            and (coalesce(p.edition_date, p.edition), p.edition) > (coalesce(e.edition_date, e.edition), e.edition)
      )
    group by source_id
)
select
    p.source_id,
    p.edition as published_edition,
    try_cast(p.edition_date as date) as edition_date,
    p.retrieved_at,
    p.action_rows,
    coalesce(array_length(h.held_back_editions), 0) > 0 as has_held_back_edition,
    cast(to_json(h.held_back_editions) as varchar) as held_back_editions,
    cast(to_json(h.held_back_reasons) as varchar) as held_back_reasons
from published as p
left join held as h using (source_id)
