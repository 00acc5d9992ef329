"""frictionless's reader of a pandas frame (how it reads Parquet), converting each row once.

frictionless 5.21's `PandasParser.read_cell_stream_create` converts the whole row to a dict again for every
field it reads (`item.to_dict()[field.name]`): rows x fields x fields, more than half the time of validating
the real release (8 s of 14.4, most of a test). This is the same generator with the row converted once per
row: the same cells, in the same order, with the same conversions, so validation reports what it did.
`validate` installs it (once, for the process) and validates; the release tests validate through it.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def install() -> None:
    from frictionless import platform
    from frictionless.formats.pandas.parser import PandasParser

    original = PandasParser.read_cell_stream_create

    @functools.wraps(original)
    def read_cell_stream_create(self):
        np, pd = platform.numpy, platform.pandas
        assert isinstance(self.resource.data, pd.DataFrame)
        schema = self._PandasParser__read_convert_schema()
        if not self.resource.schema:
            self.resource.schema = schema
        yield schema.field_names
        for pk, item in self.resource.data.iterrows():
            row = item.to_dict()  # frictionless: once per field
            cells: list[Any] = []
            for field in schema.fields:
                if field.name in schema.primary_key:
                    pk = pk if isinstance(pk, tuple) else [pk]
                    value = pk[schema.primary_key.index(field.name)]
                else:
                    value = row[field.name]
                if value is np.nan:
                    value = None
                elif isinstance(value, pd.Timestamp):
                    value = value.to_pydatetime()
                cells.append(value)
            yield cells

    PandasParser.read_cell_stream_create = read_cell_stream_create


def validate(source, **options):
    """`frictionless.validate`, with frame rows read once each."""
    import frictionless

    install()
    return frictionless.validate(source, **options)
