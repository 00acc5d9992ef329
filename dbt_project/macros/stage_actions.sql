{#- Staging for one source's canonical actions: types cast, nothing else. Every source's table has the same
    columns (fast_pipeline.core.canonical), so one macro serves all the stg_<source>__actions models. -#}
{% macro stage_actions(table_name) -%}
select
    action_id,
    source_id,
    edition,
    {{ safe_date('edition_date') }} as edition_date,
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
    {{ safe_date('action_date') }} as action_date,
    {{ safe_date('listed_date') }} as listed_date,
    {{ safe_date('effective_date') }} as effective_date,
    {{ safe_date('ended_date') }} as ended_date,
    details,
    source_url,
    source_sha256,
    source_locator
from {{ source('raw', table_name) }}
{%- endmacro %}
