-- Each pair of party records judged the same (or related, or kept apart), with the rule, score and evidence
-- (written by the resolution asset: fast_pipeline.resolution).
-- Its record IDs are those of resolved.party_records (its relationships tests say so). Declared as a
-- dependency, so that the tests of party_records, a table no model selects from, are asset checks of the
-- publish job (dagster-dbt makes checks of the tests of the sources its models read; others it logs as
-- observations, with a warning):
-- depends_on: {{ source('resolved', 'party_records') }}
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
