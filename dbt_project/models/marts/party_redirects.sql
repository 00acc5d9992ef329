-- Superseded party IDs -> the party that now holds them, so that an ID handed out before a merge still
-- resolves (written by the resolution asset: fast_pipeline.resolution).
select
    old_party_id,
    party_id,
    party_record_id
from {{ source('resolved', 'party_redirects') }}
