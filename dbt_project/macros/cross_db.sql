{#- SQL that differs between the two warehouses (FAST_WAREHOUSE_URL: DuckDB by default, or PostgreSQL), each
    behind one macro with a duckdb__ and a postgres__ implementation (`adapter.dispatch`), so that both
    targets build from one set of models. The DuckDB forms are the ones the models used before; the
    PostgreSQL forms give the same values. JSON is text on the way in (core.canonical) on both. Text is
    ordered by code point on both (`collate "C"` on PostgreSQL, whatever the server's locale). -#}

{#- An ISO date text as a date; anything else as null (never an error). -#}
{% macro safe_date(expr) -%}
    {{ return(adapter.dispatch('safe_date')(expr)) }}
{%- endmacro %}

{% macro duckdb__safe_date(expr) -%}
    try_cast({{ expr }} as date)
{%- endmacro %}

{#- PostgreSQL has no try_cast: only a real YYYY-MM-DD date is cast (the inner case checks the day against
    the month's length only once the text has the form; a bare cast would stop the build on 2024-02-30). -#}
{% macro postgres__safe_date(expr) -%}
    case when ({{ expr }}) ~ '^(\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$' then
        case when substr({{ expr }}, 9, 2)::int <= extract(day from (substr({{ expr }}, 1, 7) || '-01')::date + interval '1 month' - interval '1 day')
             then cast({{ expr }} as date) end
    end
{%- endmacro %}

{#- The value of `value` at the last row of `window` where `stated` holds, even when that value is null
    (a stated empty field), as opposed to "last non-null". -#}
{% macro last_stated(value, stated, window) -%}
    {{ return(adapter.dispatch('last_stated')(value, stated, window)) }}
{%- endmacro %}

{% macro duckdb__last_stated(value, stated, window) -%}
    (last_value(case when {{ stated }} then struct_pack(v := {{ value }}) end ignore nulls) over {{ window }}).v
{%- endmacro %}

{#- No IGNORE NULLS in PostgreSQL: the stated values of the frame in order, and the last of them. -#}
{% macro postgres__last_stated(value, stated, window) -%}
    (array_agg({{ value }}) filter (where {{ stated }}) over {{ window }})[count(*) filter (where {{ stated }}) over {{ window }}]
{%- endmacro %}

{#- A JSON object's members as rows (`alias`.key, `alias`.value); a value that is not an object gives none. -#}
{% macro json_entries(column, alias) -%}
    {{ return(adapter.dispatch('json_entries')(column, alias)) }}
{%- endmacro %}

{% macro duckdb__json_entries(column, alias) -%}
    json_each({{ column }}) as {{ alias }}
{%- endmacro %}

{% macro postgres__json_entries(column, alias) -%}
    json_each(case when json_typeof(({{ column }})::json) = 'object' then ({{ column }})::json end) as {{ alias }}
{%- endmacro %}

{#- A JSON array's elements as rows (`alias`.value); a value that is not an array gives none. -#}
{% macro json_elements(column, alias) -%}
    {{ return(adapter.dispatch('json_elements')(column, alias)) }}
{%- endmacro %}

{% macro duckdb__json_elements(column, alias) -%}
    json_each({{ column }}) as {{ alias }}
{%- endmacro %}

{% macro postgres__json_elements(column, alias) -%}
    json_array_elements(case when json_typeof(({{ column }})::json) = 'array' then ({{ column }})::json end) as {{ alias }}(value)
{%- endmacro %}

{#- Whether a JSON value is of a kind, named as DuckDB's json_type names it (NULL, ARRAY, OBJECT, VARCHAR). -#}
{% macro json_type_is(value, kind) -%}
    {{ return(adapter.dispatch('json_type_is')(value, kind)) }}
{%- endmacro %}

{% macro duckdb__json_type_is(value, kind) -%}
    json_type({{ value }}) = '{{ kind }}'
{%- endmacro %}

{% macro postgres__json_type_is(value, kind) -%}
    {%- set names = {'NULL': 'null', 'ARRAY': 'array', 'OBJECT': 'object', 'VARCHAR': 'string', 'BOOLEAN': 'boolean'} -%}
    json_typeof(({{ value }})::json) = '{{ names[kind] }}'
{%- endmacro %}

{#- A JSON value as text: a string unquoted, a number or boolean as written, an array or object as compact
    JSON, null as null. -#}
{% macro json_as_text(value) -%}
    {{ return(adapter.dispatch('json_as_text')(value)) }}
{%- endmacro %}

{% macro duckdb__json_as_text(value) -%}
    json_extract_string({{ value }}, '$')
{%- endmacro %}

{#- `json` (not jsonb) keeps the text it was given, which is compact already (core.canonical). -#}
{% macro postgres__json_as_text(value) -%}
    case when json_typeof(({{ value }})::json) in ('array', 'object') then ({{ value }})::text
         else ({{ value }})::json #>> '{}' end
{%- endmacro %}

{#- Aggregate: a JSON object of (key, JSON value) pairs, keys in order. -#}
{% macro json_object_agg_text(key, value) -%}
    {{ return(adapter.dispatch('json_object_agg_text')(key, value)) }}
{%- endmacro %}

{% macro duckdb__json_object_agg_text(key, value) -%}
    json('{' || string_agg(to_json({{ key }}) || ':' || {{ value }}, ',' order by {{ key }}) || '}')
{%- endmacro %}

{% macro postgres__json_object_agg_text(key, value) -%}
    '{' || string_agg(to_json({{ key }})::text || ':' || ({{ value }})::text, ',' order by {{ key }} collate "C") || '}'
{%- endmacro %}

{#- The JSON object `base` with the members of `patch` set over it (top level), as text, members in
    DuckDB's order (the release's bytes depend on it). -#}
{% macro json_patch_text(base, patch) -%}
    {{ return(adapter.dispatch('json_patch_text')(base, patch)) }}
{%- endmacro %}

{% macro duckdb__json_patch_text(base, patch) -%}
    cast(json_merge_patch(json({{ base }}), {{ patch }}) as varchar)
{%- endmacro %}

{#- As DuckDB's json_merge_patch lays it out (for a patch of members the base lacks or holds as null, the
    only kind the models make): the base's other members in their order, then the patch's in its order.
    Built as text from `json` members, so that values keep their compact text (jsonb would re-space them). -#}
{% macro postgres__json_patch_text(base, patch) -%}
    (select '{' || string_agg(to_json(m.key)::text || ':' || m.value, ',' order by m.pos) || '}'
     from (select b.key, b.value::text as value, b.pos
           from json_each(({{ base }})::json) with ordinality as b(key, value, pos)
           where b.key not in (select p.key from json_each(({{ patch }})::json) as p)
           union all
           select p.key, p.value::text, 1000000000 + p.pos
           from json_each(({{ patch }})::json) with ordinality as p(key, value, pos)) as m)
{%- endmacro %}

{#- `relation`'s text columns `fields` as rows (keys..., field, value), nulls left out. -#}
{% macro unpivot_text(relation, keys, fields) -%}
    {{ return(adapter.dispatch('unpivot_text')(relation, keys, fields)) }}
{%- endmacro %}

{% macro duckdb__unpivot_text(relation, keys, fields) -%}
    unpivot {{ relation }} on columns(* exclude ({{ keys | join(', ') }})) into name field value value
{%- endmacro %}

{% macro postgres__unpivot_text(relation, keys, fields) -%}
    select {% for k in keys %}r.{{ k }}, {% endfor %}v.field, v.value
    from {{ relation }} as r
    cross join lateral (values {% for f in fields %}('{{ f }}', r.{{ f }}){{ ', ' if not loop.last }}{% endfor %}) as v(field, value)
    where v.value is not null
{%- endmacro %}

{#- Aggregate: the values of `expr` as the warehouse's list, in `order_by` order. -#}
{% macro list_agg(expr, order_by) -%}
    {{ return(adapter.dispatch('list_agg')(expr, order_by)) }}
{%- endmacro %}

{% macro duckdb__list_agg(expr, order_by) -%}
    list({{ expr }} order by {{ order_by }})
{%- endmacro %}

{% macro postgres__list_agg(expr, order_by) -%}
    jsonb_agg({{ expr }} order by {{ order_by }})
{%- endmacro %}

{#- Set-returning: the elements of a text list column, one row each (in a select list). -#}
{% macro list_unnest(column) -%}
    {{ return(adapter.dispatch('list_unnest')(column)) }}
{%- endmacro %}

{% macro duckdb__list_unnest(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro postgres__list_unnest(column) -%}
    jsonb_array_elements_text(({{ column }})::jsonb)
{%- endmacro %}
