-- SCD type 2 spans of every action over its source's published editions: a new version opens when the
-- action first appears ('listed'), when a tracked field changes ('changed', see int_actions__history_changes),
-- or when it comes back after an absence ('relisted', e.g. a court-ordered re-inclusion). A version closes
-- at the edition where it stopped holding: the next version's first edition, or the edition it vanished in.
-- Positions are edition_seq numbers of int_editions__published; action_history turns them into labels.
with presence as (
    select source_id, action_id, edition_seq,
           lag(edition_seq) over (partition by action_id order by edition_seq) as prev_seq
    from {{ ref('int_actions__unioned') }}
),
changed as (
    select distinct action_id, edition_seq from {{ ref('int_actions__history_changes') }}
),
opened as (
    select p.*,
           case
               when p.prev_seq is null then 'listed'
               when p.prev_seq < p.edition_seq - 1 then 'relisted'
               when c.action_id is not null then 'changed'
           end as opened_by
    from presence as p
    left join changed as c using (action_id, edition_seq)
),
numbered as (
    select *,
           count(opened_by) over (partition by action_id order by edition_seq
                                  rows between unbounded preceding and current row) as version
    from opened
),
spans as (
    select source_id, action_id, version,
           min(edition_seq) as valid_from_seq,
           max(edition_seq) as last_seen_seq,
           max(opened_by) as opened_by  -- a version's first row is the only one with opened_by set
    from numbered
    group by source_id, action_id, version
),
latest as (
    select source_id, max(edition_seq) as latest_seq
    from {{ ref('int_editions__published') }}
    group by source_id
)
select
    s.source_id,
    s.action_id,
    s.version,
    s.valid_from_seq,
    s.last_seen_seq,
    case when s.last_seen_seq < l.latest_seq then s.last_seen_seq + 1 end as valid_to_seq,
    s.opened_by,
    case
        when s.last_seen_seq = l.latest_seq then null
        when lead(s.valid_from_seq) over (partition by s.action_id order by s.version) = s.last_seen_seq + 1
            then 'changed'
        else 'removed'
    end as closed_by
from spans as s
join latest as l using (source_id)
