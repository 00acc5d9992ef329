-- Each pair of party records judged the same (or related, or kept apart), with the rule, score and evidence
-- (written by the resolution asset: fast_pipeline.resolution).
select
    link_id,
    left_party_record_id,
    right_party_record_id,
    left_party_id,
    right_party_id,
    relation,
    rule,
    score,
    evidence
from {{ source('resolved', 'party_links') }}
