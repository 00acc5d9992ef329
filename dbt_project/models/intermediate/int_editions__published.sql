-- Editions that passed their publish gate, numbered per source in the one edition order (acquisition,
-- int_editions__ordered). A held-back edition (gate failed) is left out here, so everything downstream
-- keeps the source's last good edition.
select
    source_id,
    edition,
    edition_date,
    as_of_date,
    date_basis,
    date_warning,
    acquired_at,
    retrieved_at,
    action_rows,
    row_number() over (partition by source_id order by acquired_seq) as edition_seq
from {{ ref('int_editions__ordered') }}
where gate_passed
