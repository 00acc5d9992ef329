{#- Staging for one source's canonical actions: types cast, nothing else. Every source's table has the same
    columns (fast_pipeline.core.canonical), so one macro serves all the stg_<source>__actions models. -#}
{% macro stage_actions(table_name) -%}
select
    action_id,
    source_id,
    edition,
    try_cast(edition_date as date) as edition_date,
    natural_key,
    action_type,
    authority,
    jurisdiction,
    legal_basis,
    party_record_id,
    party_name,
    party_kind,
    party_identifiers,
    party_aliases,
    party_former_names,
    related_parties,
    party_country,
    party_address,
    goods,
    sector_code,
    sector_scheme,
    cast(workers_affected as integer) as workers_affected,
    status_raw,
    status,
    try_cast(action_date as date) as action_date,
    try_cast(listed_date as date) as listed_date,
    try_cast(effective_date as date) as effective_date,
    try_cast(ended_date as date) as ended_date,
    details,
    source_url,
    source_sha256,
    source_locator
from {{ source('raw', table_name) }}
{%- endmacro %}
