"""CBP's CSV written the way CBP publishes it, for tests (no saved copy exists offline; see NOTES.md B).

Header order, CRLF line ends, quoted multi-line cells, and three encodings (UTF-8 with BOM, plain UTF-8,
Windows-1252 with 0xA0 non-breaking spaces and curly quotes). Entries imitate real published ones.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fast_pipeline.core.source import SourceFile, local_source_file
from fast_pipeline.sources.us_cbp_wro.parse_csv import HEADER

FILE_NAME = "withhold-release-orders-findings-fy26-2026-09-29.csv"
PR = "https://www.cbp.gov/newsroom/national-media-release/"

# Effective Date, Calendar Year, Country Code, Country, Merchandise, WRO/Finding, Industry, Status,
# Press Release, Entity, Remarks
ROWS: list[tuple[str, ...]] = [
    (
        "10/01/1991",
        "1991",
        "CN",
        "China",
        "Malleable iron pipe fittings",
        "WRO",
        "Base Metals",
        "Inactive",
        "",
        "Tianjin Malleable Iron Factory",
        "",
    ),
    (
        "05/18/2018",
        "2018",
        "TM",
        "Turkmenistan",
        "Cotton",
        "WRO",
        "Apparel, Footwear and Textiles",
        "Active",
        PR + "cbp-issues-withhold-release-order-turkmenistan-cotton",
        "",
        "All Turkmenistan cotton or products produced in whole or in part with Turkmenistan cotton.",
    ),
    (
        "09/30/2019",
        "2019",
        "CN",
        "China",
        "Garments",
        "WRO",
        "Apparel, Footwear and Textiles",
        "Active",
        PR + "cbp-issues-detention-orders-against-companies-suspected-using-forced",
        "Hetian Taida Apparel Co., Ltd.",
        "",
    ),
    (
        "09/30/2019",
        "2019",
        "ZW",
        "Zimbabwe",
        "Rough diamonds",
        "WRO",
        "Petroleum, Natural Gas and Minerals",
        "Active",
        PR + "cbp-issues-detention-orders-against-companies-suspected-using-forced",
        "Marange Diamond Fields",
        "",
    ),
    (
        "05/01/2020",
        "2020",
        "CN",
        "China",
        "Hair products",
        "WRO",
        "Consumer Products and Mass Merchandising",
        "Partially Modified",
        PR + "cbp-issues-detention-order-hair-products-manufactured-forced-labor-china",
        "Hetian Haolin Hair Accessories Co. Ltd.\na/k/a Hotan Haolin Hair Accessories\na/k/a Hollin Hair Accessories",
        "Modified on 10/02/2020 to cover\nall hair products of the company.",
    ),
    (
        "08/18/2020",
        "2020",
        "TW",
        "Taiwan",
        "Seafood",
        "WRO",
        "Agriculture and Prepared Products",
        "Inactive",
        PR + "cbp-issues-withhold-release-order-seafood-harvested-forced-labor-da-wang",
        "the Da Wang",
        "Superseded by the Finding of 01/28/2022 \u2013 see the vessel\u2019s Finding.",
    ),
    (
        "08/25/2020",
        "2020",
        "CN",
        "China",
        "Carbon products",
        "WRO",
        "Industrial and Manufacturing Materials",
        "Modified",
        PR + "cbp-issues-detention-order-tanyuan-technology",
        "Tanyuan Technology Co. Ltd. a/k/a Carbon Yuan Technology a/k/a Changzhou Carbon Yuan Technology "
        "Development a/k/a Carbon Element Technology",
        "",
    ),
    (
        "09/30/2020",
        "2020",
        "CN",
        "China",
        "Apparel",
        "WRO",
        "Apparel, Footwear and Textiles",
        "Partially Active",
        PR + "cbp-issues-detention-orders-against-companies-suspected-using-forced",
        "Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd.",
        "",
    ),
    (
        "09/30/2020",
        "2020",
        "MY",
        "Malaysia",
        "Palm oil and palm oil products",
        "WRO",
        "Agriculture and Prepared Products",
        "Active",
        PR + "cbp-issues-withhold-release-order-fgv-holdings-berhad",
        "FGV Holdings Berhad and its subsidiaries and joint ventures",
        "",
    ),
    (
        "01/13/2021",
        "2021",
        "CN",
        "China",
        "Cotton and tomato products",
        "WRO",
        "Agriculture and Prepared Products",
        "Active",
        PR + "cbp-issues-region-wide-withhold-release-order-products-made-slave-labor-xinjiang",
        "Xinjiang Uyghur Autonomous Region (XUAR)",
        "Region-wide order on cotton and tomato products\nand on goods made with them.",
    ),
    (
        "03/29/2021",
        "2021",
        "MY",
        "Malaysia",
        "Disposable gloves",
        "Finding",
        "Pharmaceuticals, Health and Chemicals",
        "Revoked",
        PR + "cbp-modifies-forced-labor-finding-top-glove-corporation-bhd",
        "Top Glove Corporation\u00a0Bhd.",
        "Finding modified on 09/09/2021\nafter remediation; revoked.",
    ),
    (
        "05/28/2021",
        "2021",
        "CN",
        "China",
        "Seafood",
        "WRO",
        "Agriculture and Prepared Products",
        "Inactive-Pending Litigation",
        PR + "cbp-issues-withhold-release-order-dalian-ocean-fishing",
        "Dalian Ocean Fishing Co., Ltd.",
        "",
    ),
    (
        "05/27/2021",
        "2021",
        "FJ",
        "Fiji",
        "Seafood",
        "WRO",
        "Agriculture and Prepared Products",
        "Active",
        PR + "cbp-issues-withhold-release-order-fishing-vessels",
        "Fishing Vessels: Yu Long No. 2 and Hangton No. 112",
        "",
    ),
    (
        "06/24/2021",
        "2021",
        "CN",
        "China",
        "Silica-based products",
        "WRO",
        "Industrial and Manufacturing Materials",
        "Active",
        PR + "cbp-issues-withhold-release-order-silica-based-products-made-forced-labor-xinjiang",
        "Hoshine Silicon Industry Co. Ltd. and its subsidiaries",
        "Applies to silica-based products made by Hoshine Silicon Industry Co. Ltd. and its subsidiaries,\n"
        'and to goods made with them, such as "polysilicon".',
    ),
    (
        "01/28/2022",
        "2022",
        "TW",
        "Taiwan",
        "Seafood",
        "Finding",
        "Agriculture and Prepared Products",
        "Active",
        PR + "cbp-issues-forced-labor-finding-against-taiwanese-fishing-vessel-da-wang",
        "Fishing Vessel: Da Wang",
        "",
    ),
    (
        "01/28/2022",
        "2022",
        "MY",
        "Malaysia",
        "Palm oil",
        "Finding",
        "Agriculture and Prepared Products",
        "Active",
        PR + "cbp-issues-forced-labor-finding-against-sime-darby-plantation-berhad",
        "Sime Darby Plantation Berhad, its subsidiaries and joint ventures",
        "",
    ),
]


def csv_bytes(rows=ROWS, *, header=HEADER, encoding: str = "utf-8-sig") -> bytes:
    """The file as CBP's export writes it: CRLF, minimal quoting, cells with line breaks quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write(tmp_path: Path, data: bytes, name: str = FILE_NAME, edition: str = "test") -> SourceFile:
    path = tmp_path / name
    path.write_bytes(data)
    return local_source_file("us_cbp_wro", path, edition=edition)
