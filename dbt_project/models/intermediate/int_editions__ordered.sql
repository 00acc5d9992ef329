-- Every recorded edition of every source, gate passed or not, numbered per source in the one edition order:
-- the order the archive acquired them in (fast_pipeline.core.edition_dates), never a publisher's printed
-- date. `as_of_date` is the date the edition speaks for (the publisher's when plausible, else the
-- acquisition's, see `date_warning`); rows recorded before those columns existed fall back to their dates.
select
    source_id,
    edition,
    gate_passed,
    gate_reasons,
    {{ safe_date('edition_date') }} as edition_date,
    coalesce({{ safe_date('as_of_date') }}, {{ safe_date('edition_date') }},
             {{ safe_date('left(coalesce(acquired_at, retrieved_at), 10)') }}) as as_of_date,
    coalesce(date_basis, case when edition_date is not null then 'published' else 'retrieved' end) as date_basis,
    date_warning,
    origin,
    coalesce(acquired_at, retrieved_at) as acquired_at,
    retrieved_at,
    action_rows,
    row_number() over (partition by source_id order by {{ edition_order() }}) as acquired_seq
from {{ source('raw', 'editions') }}
