-- Editions that passed their publish gate, numbered per source in publication order. A held-back edition
-- (gate failed) is left out here, so everything downstream keeps the source's last good edition.
select
    source_id,
    edition,
    try_cast(edition_date as date) as edition_date,
    retrieved_at,
    action_rows,
    row_number() over (
        partition by source_id
        order by coalesce(edition_date, edition), edition
    ) as edition_seq
from {{ source('raw', 'editions') }}
where gate_passed
