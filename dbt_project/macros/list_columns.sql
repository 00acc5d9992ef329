{#- List-valued canonical fields arrive from the Python side as JSON text (the one form that survives every
    DataFrame and raw table); the marts turn them into native lists of the warehouse, so that a consumer's
    `len(source_ids)` counts sources, not characters. The shapes are declared once, adapter-neutral, below;
    each adapter renders them in its own types (`adapter.dispatch`: DuckDB and PostgreSQL).
    Element fields a shape does not declare would be dropped by the conversion: the test
    `assert_list_columns_fit_their_shapes` fails the build when a source starts sending one. -#}

{% macro list_shapes() -%}
    {{ return({
        'text_list': 'text',
        'identifiers': {'scheme': 'text', 'value': 'text'},
        'related_parties': {'name': 'text', 'kind': 'text', 'relation': 'text', 'aliases': 'text_list',
                            'former_names': 'text_list', 'scope': 'text', 'parent': 'text'},
        'text_list_list': 'text_list',
    }) }}
{%- endmacro %}

{#- The JSON-list column `column` as a native list of the named shape (one of list_shapes()). -#}
{% macro json_list(column, shape) -%}
    {{ return(adapter.dispatch('json_list')(column, shape)) }}
{%- endmacro %}

{% macro duckdb__json_list(column, shape) -%}
    from_json({{ column }}, '{{ duckdb__json_structure(shape) }}')
{%- endmacro %}

{#- PostgreSQL: jsonb, whose arrays and objects read back as lists and dicts; the release casts them to the
    declared shapes (a key a shape does not name is caught by assert_list_columns_fit_their_shapes). -#}
{% macro postgres__json_list(column, shape) -%}
    ({{ column }})::jsonb
{%- endmacro %}

{#- DuckDB's JSON structure for from_json: a list of the shape's elements. -#}
{% macro duckdb__json_structure(shape) -%}
    {%- set element = list_shapes()[shape] -%}
    [{{ duckdb__json_element(element) }}]
{%- endmacro %}

{% macro duckdb__json_element(element) -%}
    {%- if element == 'text' -%}
        "VARCHAR"
    {%- elif element is string -%}
        {{ duckdb__json_structure(element) }}
    {%- else -%}
        { {%- for key, value in element.items() -%} "{{ key }}": {{ duckdb__json_element(value) }}{{ ", " if not loop.last }}{%- endfor -%} }
    {%- endif -%}
{%- endmacro %}

{#- A per-source JSON object (`details`) as the warehouse's JSON type: its keys differ by source, so it is
    kept whole rather than forced into one struct. -#}
{% macro json_value(column) -%}
    {{ return(adapter.dispatch('json_value')(column)) }}
{%- endmacro %}

{% macro duckdb__json_value(column) -%}
    json({{ column }})
{%- endmacro %}

{#- `json`, not jsonb: the object keeps its text (key order, compact form) as the Python side wrote it. -#}
{% macro postgres__json_value(column) -%}
    ({{ column }})::json
{%- endmacro %}

{#- The one edition order (fast_pipeline.core.edition_dates): by acquisition, ties by label; rows recorded
    before `acquired_at` existed fall back to their retrieval time. warehouse.EDITION_ORDER is the same. -#}
{% macro edition_order() -%}
    {{ return(adapter.dispatch('edition_order')()) }}
{%- endmacro %}

{% macro duckdb__edition_order() -%}
    coalesce(acquired_at, retrieved_at), edition
{%- endmacro %}

{#- By code point, as DuckDB orders text, whatever the server's locale. -#}
{% macro postgres__edition_order() -%}
    coalesce(acquired_at, retrieved_at) collate "C", edition collate "C"
{%- endmacro %}
