-- Every action's history as SCD type 2 rows: one row per version of what the publisher said about it,
-- valid from `valid_from_edition` (inclusive) to `valid_to_edition` (exclusive; empty while current). The
-- tracked fields are the action's state in the version's first edition (int_actions__history_state: a
-- field that edition's file does not carry at all keeps its earlier value); provenance is that edition's.
-- Dates are the editions' as-of dates (int_editions__ordered). Lists are native, `details` is JSON.
with editions as (
    select source_id, edition, as_of_date, edition_seq from {{ ref('int_editions__published') }}
)
select
    h.action_id,
    h.version,
    h.source_id,
    u.natural_key,
    f.edition as valid_from_edition,
    f.as_of_date as valid_from_date,
    t.edition as valid_to_edition,
    t.as_of_date as valid_to_date,
    l.edition as last_seen_edition,
    h.valid_to_seq is null as is_current,
    h.opened_by,
    h.closed_by,
    s.action_type,
    s.authority,
    s.jurisdiction,
    s.legal_basis,
    u.party_record_id,
    s.party_name,
    s.party_kind,
    {{ json_list('s.party_identifiers', 'identifiers') }} as party_identifiers,
    {{ json_list('s.party_aliases', 'text_list') }} as party_aliases,
    {{ json_list('s.party_former_names', 'text_list') }} as party_former_names,
    {{ json_list('s.related_parties', 'related_parties') }} as related_parties,
    s.party_country,
    s.party_address,
    s.goods,
    s.sector_code,
    s.sector_scheme,
    s.workers_affected,
    s.status_raw,
    s.status,
    s.action_date,
    s.listed_date,
    s.effective_date,
    s.ended_date,
    {{ json_value('s.details') }} as details,
    u.source_url,
    u.source_sha256,
    u.source_locator
from {{ ref('int_actions__history') }} as h
join {{ ref('int_actions__history_state') }} as s
    on s.action_id = h.action_id and s.edition_seq = h.valid_from_seq
join {{ ref('int_actions__unioned') }} as u
    on u.action_id = h.action_id and u.edition_seq = h.valid_from_seq
join editions as f on f.source_id = h.source_id and f.edition_seq = h.valid_from_seq
join editions as l on l.source_id = h.source_id and l.edition_seq = h.last_seen_seq
left join editions as t on t.source_id = h.source_id and t.edition_seq = h.valid_to_seq
