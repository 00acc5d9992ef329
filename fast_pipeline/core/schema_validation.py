"""A table checked against its Pandera schema, as the pipeline checks every table: all failures collected
(lazy) before raising `pandera.errors.SchemaErrors`.

Pandera 0.35 checks the dtype of a `str` or `"string"` column element by element (an object column may hold
anything), and then builds and prints a failure report from the elements that failed even when none did:
an empty frame reset, reshaped and formatted into a message that nobody reads, for every such column. Those
are nearly all the columns of the parsed and canonical tables, and the report was most of the time of
validating them (the parsed tables of the 13 saved editions: 0.7-0.9 CPU-s -> 0.4). Here a dtype check whose
every element passes returns its pass at once; a column with a failing element goes through Pandera's own
check, so a failure is reported exactly as before. Installed once per process, on first use.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


def validate(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    _pass_dtype_checks_without_a_failure_report()
    return schema.validate(frame, lazy=True)


@functools.cache
def _pass_dtype_checks_without_a_failure_report() -> None:
    import numpy as np
    from pandera.backends.base import CoreCheckResult
    from pandera.backends.pandas.array import ArraySchemaBackend
    from pandera.config import ValidationScope
    from pandera.engines.pandas_engine import Engine
    from pandera.errors import SchemaErrorReason
    from pandera.validation_depth import validate_scope

    pandera_check = ArraySchemaBackend.check_dtype.__wrapped__  # inside its validation-depth decorator

    @functools.wraps(pandera_check)
    def check_dtype(self, check_obj, schema):
        if schema.dtype is not None:
            result = schema.dtype.check(Engine.dtype(check_obj.dtype), check_obj)
            if not isinstance(result, bool) and bool(np.all(result)):
                return CoreCheckResult(
                    passed=True, check=f"dtype('{schema.dtype}')", reason_code=SchemaErrorReason.WRONG_DATATYPE
                )
        return pandera_check(self, check_obj, schema)

    ArraySchemaBackend.check_dtype = validate_scope(scope=ValidationScope.SCHEMA)(check_dtype)
