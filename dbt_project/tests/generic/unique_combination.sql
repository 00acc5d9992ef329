{#- Uniqueness of a column combination, written here because hub packages (dbt_utils) cannot be installed. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
