-- The marts turn the canonical JSON-list fields into native lists of declared shapes (macros/list_columns.sql).
-- A conversion keeps only what a shape declares, so this fails on anything it would lose: an element of a
-- text list that is not text, an identifier or related-party key the shape does not name, or a list that
-- is not a JSON array. Checked on every published row, before any mart is read.
{% set shapes = list_shapes() %}
with actions as (
    select action_id, edition, party_identifiers, party_aliases, party_former_names, related_parties
    from {{ ref('int_actions__unioned') }}
),
lists as (
    select action_id, edition, 'party_identifiers' as field, party_identifiers as value, 'identifiers' as shape from actions
    union all select action_id, edition, 'party_aliases', party_aliases, 'text_list' from actions
    union all select action_id, edition, 'party_former_names', party_former_names, 'text_list' from actions
    union all select action_id, edition, 'related_parties', related_parties, 'related_parties' from actions
),
not_arrays as (
    select action_id, edition, field, value as problem from lists
    where value is not null and not {{ json_type_is('value', 'ARRAY') }}
),
elements as (
    select l.action_id, l.edition, l.field, l.shape, e.value as element
    from lists as l, {{ json_elements('l.value', 'e') }}
    where {{ json_type_is('l.value', 'ARRAY') }}
),
bad_text as (
    select action_id, edition, field, cast(element as varchar) as problem from elements
    where shape = 'text_list' and not {{ json_type_is('element', 'VARCHAR') }}
),
unknown_keys as (
    select e.action_id, e.edition, e.field, 'unknown key ' || k.key as problem
    from elements as e, {{ json_entries('e.element', 'k') }}
    where e.shape in ('identifiers', 'related_parties')
      and not (
          (e.shape = 'identifiers' and k.key in ({{ "'" ~ (shapes['identifiers'].keys() | join("', '")) ~ "'" }}))
          or (e.shape = 'related_parties' and k.key in ({{ "'" ~ (shapes['related_parties'].keys() | join("', '")) ~ "'" }}))
      )
)
select * from not_arrays
union all select * from bad_text
union all select * from unknown_keys
