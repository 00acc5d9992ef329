-- Per source: the edition a release carries (its latest published one in acquisition order), the dates
-- it speaks for, and any edition acquired after it that the publish gate held back.
with ordered as (
    select * from {{ ref('int_editions__ordered') }}
),
published as (
    select *
    from (
        select *, row_number() over (partition by source_id order by acquired_seq desc) as recency
        from ordered
        where gate_passed
    ) as ranked
    where recency = 1
),
held as (
    select e.source_id,
           {{ list_agg('e.edition', 'e.acquired_seq') }} as held_back_editions,
           {{ list_agg("coalesce(" ~ json_list('e.gate_reasons', 'text_list') ~ ", " ~ json_list("'[]'", 'text_list') ~ ")", 'e.acquired_seq') }} as held_back_reasons
    from ordered as e
    join published as p on p.source_id = e.source_id and e.acquired_seq > p.acquired_seq
    where not e.gate_passed
    group by e.source_id
)
select
    p.source_id,
    p.edition as published_edition,
    p.edition_date,
    p.as_of_date,
    p.date_basis,
    p.date_warning,
    p.acquired_at,
    p.retrieved_at,
    p.action_rows,
    h.source_id is not null as has_held_back_edition,
    coalesce(h.held_back_editions, {{ json_list("'[]'", 'text_list') }}) as held_back_editions,
    coalesce(h.held_back_reasons, {{ json_list("'[]'", 'text_list_list') }}) as held_back_reasons
from published as p
left join held as h using (source_id)
