-- A redirected ID is never also a live party ID (else it would resolve two ways).
{{ config(meta={'dagster': {'ref': {'name': 'party_redirects'}}}) }}  -- a check on party_redirects in Dagster
select r.old_party_id
from {{ ref('party_redirects') }} as r
join {{ ref('parties') }} as p on p.party_id = r.old_party_id
