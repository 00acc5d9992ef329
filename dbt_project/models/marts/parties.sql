-- One row per resolved party (the resolution asset's resolved.parties) with its lists as native lists.
select
    party_id,
    party_name,
    party_kind,
    party_country,
    {{ json_list('names', 'text_list') }} as names,
    {{ json_list('aliases', 'text_list') }} as aliases,
    {{ json_list('former_names', 'text_list') }} as former_names,
    {{ json_list('identifiers', 'identifiers') }} as identifiers,
    {{ json_list('countries', 'text_list') }} as countries,
    {{ json_list('kinds', 'text_list') }} as kinds,
    {{ json_list('source_ids', 'text_list') }} as source_ids,
    {{ json_list('action_ids', 'text_list') }} as action_ids,
    {{ json_list('mentioned_in_action_ids', 'text_list') }} as mentioned_in_action_ids,
    {{ json_list('party_record_ids', 'text_list') }} as party_record_ids,
    record_count,
    action_count
from {{ source('resolved', 'parties') }}
