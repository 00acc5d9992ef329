"""PDF speed of the lista suja parser against plain pdfplumber `page.extract_tables()`, in one run.

    .venv/bin/python benchmarks/bench_br_pdf.py [PDF] [--repeat N] [--min-ratio 3]

Baseline: open the PDF with pdfplumber and call `extract_tables()` on every page, keeping the data rows
(first cell a row number). Project: the whole `parse_pdf` path, reading the cells (pdf_text) and building
the typed, validated-shape table (document.build_table). The cell values the project read must equal the
baseline's cell for cell; the script prints both timings (best of N) and the ratio, and exits 1 when the
output differs or the ratio is below --min-ratio.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pdfplumber

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fast_pipeline.core.source import local_source_file  # noqa: E402
from fast_pipeline.sources.br_mte_lista_suja.document import Row, build_table  # noqa: E402
from fast_pipeline.sources.br_mte_lista_suja.parse_pdf import read_items  # noqa: E402

DEFAULT_PDF = REPO.parent / "shared/sources/br_mte_lista_suja/2024-12-04_pdf/cadastro_de_empregadores.pdf"


def baseline(path: Path) -> list[tuple]:
    rows = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows += [tuple(r) for r in table if r and r[0] and re.fullmatch(r"\d+", r[0])]
    return rows


def project(path: Path) -> tuple[list[tuple], int]:
    file = local_source_file("br_mte_lista_suja", path)
    items = read_items(file)
    table = build_table(items, file)
    return [item.cells for item in items if isinstance(item, Row)], len(table)


def best_of(n: int, fn, *args):
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each side; the best time counts")
    ap.add_argument("--min-ratio", type=float, default=3.0)
    args = ap.parse_args()

    t_base, base_rows = best_of(args.repeat, baseline, args.pdf)
    t_proj, (proj_rows, table_rows) = best_of(args.repeat, project, args.pdf)

    print(f"file: {args.pdf}")
    print(f"pdfplumber extract_tables(): {t_base:8.3f} s  ({len(base_rows)} data rows)")
    print(f"project parse_pdf:           {t_proj:8.3f} s  ({len(proj_rows)} data rows, {table_rows} in the table)")
    print(f"ratio: {t_base / t_proj:.1f}x")

    ok = True
    if proj_rows != base_rows or table_rows != len(base_rows):
        ok = False
        print(f"OUTPUT DIFFERS: {len(base_rows)} baseline rows, {len(proj_rows)} project rows")
        for i, (a, b) in enumerate(zip(base_rows, proj_rows)):
            if a != b:
                print(f"  first difference at data row {i + 1}:\n    baseline {a}\n    project  {b}")
                break
    else:
        cells = sum(len(r) for r in base_rows)
        print(f"identical output: {len(base_rows)} rows, {cells} cell values equal")
    if t_base / t_proj < args.min_ratio:
        ok = False
        print(f"TOO SLOW: ratio below {args.min_ratio}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
