"""What kind of update an edition of the list is: periodic (bulk removals) or interim (few removals).

Portaria Interministerial MTE/MDHC/MIR nº 18/2024 (as its predecessor nº 4/2016) keeps an employer on the
list for two years and has it updated every six months: the periodic updates (early April and early
October) are when whole cohorts leave. Between them the ministry publishes interim updates ("Cadastro
atualizado em dd/mm/aaaa") that add court-ordered inclusions and remove the few employers a court order
or an expired term takes off.

Against the previous published edition, an edition is *periodic* when it carries a periodic update that
the previous one did not: read from its edition line ("Atualização periódica de ...") where the file has
one, else from the calendar (the CSV has no dates): a periodic month (source.yml `periodic_update_months`)
falls between the two editions' dates, both months included. The calendar errs on the lenient side (an
edition in April after an earlier April edition is still "periodic"): it must not hold back a real update.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

PERIODIC, INTERIM = "periodic", "interim"


def update_kind(
    parsed: pd.DataFrame, as_of_date: str | None, previous_as_of: str | None, periodic_months: list[int]
) -> str | None:
    if previous_as_of is None:
        return PERIODIC  # nothing to remove from
    periodic = parsed["periodic_update_date"].dropna()
    if len(periodic):
        return PERIODIC if max(periodic) > previous_as_of else INTERIM
    if as_of_date is None:
        return None
    return PERIODIC if _periodic_month_between(previous_as_of, as_of_date, periodic_months) else INTERIM


def _periodic_month_between(start: str, end: str, months: list[int]) -> bool:
    first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if month in months:
            return True
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return False
