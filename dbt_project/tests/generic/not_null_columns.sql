{#- The columns of a model that must always hold a value, checked in one query: one row per such column that
    has nulls, with how many. One test per model rather than dbt's `not_null` per column: each test is a dbt
    node and a Dagster asset check, tens of milliseconds of every publish, and a model's required columns are
    one rule. An empty model passes (its sums are null). -#}
{% test not_null_columns(model, columns) %}
with null_counts as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as column_name, nulls_{{ loop.index }} as null_rows from null_counts where nulls_{{ loop.index }} > 0
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{% endtest %}
