-- One row per action: its latest published state, with when it was first and last seen and, if it has
-- disappeared from the publisher's list, the edition it vanished in (status then becomes 'removed').
-- The state is int_actions__history_state's: a field the latest edition's file format does not carry at all
-- (the Brazilian CSV has no legal basis or footnote texts) keeps its last published value. List fields are
-- native lists (json_list), `details` the warehouse's JSON type (its keys differ by source).
with latest_row as (
    select action_id, edition_seq, natural_key, party_record_id, source_url, source_sha256, source_locator
    from (
        select *, row_number() over (partition by action_id order by edition_seq desc) as recency
        from {{ ref('int_actions__unioned') }}
    ) as ranked
    where recency = 1
),
latest as (
    select s.*, r.natural_key, r.party_record_id, r.source_url, r.source_sha256, r.source_locator
    from latest_row as r
    join {{ ref('int_actions__history_state') }} as s using (action_id, edition_seq)
),
party_members as (  -- the resolved party of each party record
    select {{ list_unnest('party_record_ids') }} as party_record_id, party_id
    from {{ ref('parties') }}
)
select
    l.action_id,
    l.source_id,
    l.action_type,
    l.authority,
    l.jurisdiction,
    l.legal_basis,
    l.party_record_id,
    m.party_id,
    l.party_name,
    l.party_kind,
    {{ json_list('l.party_identifiers', 'identifiers') }} as party_identifiers,
    {{ json_list('l.party_aliases', 'text_list') }} as party_aliases,
    {{ json_list('l.party_former_names', 'text_list') }} as party_former_names,
    {{ json_list('l.related_parties', 'related_parties') }} as related_parties,
    l.party_country,
    l.party_address,
    l.goods,
    l.sector_code,
    l.sector_scheme,
    l.workers_affected,
    l.status_raw,
    case when p.removed_in_edition is not null then 'removed' else l.status end as status,
    l.action_date,
    l.listed_date,
    l.effective_date,
    l.ended_date,
    p.first_seen_edition,
    p.last_seen_edition,
    p.removed_in_edition,
    p.removed_date,
    l.natural_key,
    {{ json_value('l.details') }} as details,
    l.source_url,
    l.source_sha256,
    l.source_locator
from latest as l
join {{ ref('int_actions__presence') }} as p using (source_id, action_id)
left join party_members as m on m.party_record_id = l.party_record_id
