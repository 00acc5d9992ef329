{#- The fields of an action whose changes the history tracks (int_actions__history_state): what the
    publisher says about it. Not tracked: provenance that moves with every file (edition, source_url,
    source_sha256, source_locator), IDs derived here (party_record_id), and `details` (tracked per key). -#}
{% macro tracked_fields() -%}
    {{ return([
        'action_type', 'authority', 'jurisdiction', 'legal_basis', 'party_name', 'party_kind',
        'party_identifiers', 'party_aliases', 'party_former_names', 'related_parties', 'party_country',
        'party_address', 'goods', 'sector_code', 'sector_scheme', 'workers_affected', 'status_raw', 'status',
        'action_date', 'listed_date', 'effective_date', 'ended_date',
    ]) }}
{%- endmacro %}
