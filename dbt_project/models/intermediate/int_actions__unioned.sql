-- Every published edition's canonical rows of every source, in one table.
{% set sources = ['br_mte_lista_suja', 'us_dhs_uflpa', 'us_cbp_wro', 'us_dol_ilab', 'us_dol_eo13126', 'no_nbim_exclusions', 'br_mte_ceac'] %}
with unioned as (
    {% for s in sources %}
    select * from {{ ref('stg_' ~ s ~ '__actions') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)
select u.*, e.edition_seq
from unioned as u
join {{ ref('int_editions__published') }} as e using (source_id, edition)
