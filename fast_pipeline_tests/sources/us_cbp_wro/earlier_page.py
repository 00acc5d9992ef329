"""The earlier form of the list: an HTML page with a table per country, under "Withhold Release Orders" and
"Findings" headings (written for tests; CBP no longer serves it)."""

from __future__ import annotations

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Withhold Release Orders and Findings | U.S. Customs and Border Protection</title></head>
<body><main id="main-content">
<h1>Withhold Release Orders and Findings</h1>
<p>CBP issues Withhold Release Orders when information reasonably but not conclusively indicates that
merchandise produced with forced labor is being imported into the United States.</p>
<h2>Withhold Release Orders</h2>
<h3>China</h3>
<table class="usa-table">
  <thead><tr><th>Date</th><th>Merchandise</th><th>Manufacturer/Entity</th><th>Status</th></tr></thead>
  <tbody>
    <tr><td>06/24/2021</td><td>Silica-based products</td>
        <td>Hoshine Silicon Industry Co. Ltd. and its subsidiaries</td><td>Active</td></tr>
    <tr><td>01/13/2021</td><td>Cotton and tomato products</td><td>Xinjiang Uyghur Autonomous Region (XUAR)</td>
        <td>Active</td></tr>
    <tr><td>09/30/2019</td><td>Garments</td><td>Hetian Taida Apparel Co., Ltd.</td><td>Active</td></tr>
    <tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>
  </tbody>
</table>
<h3>Malaysia</h3>
<table class="usa-table">
  <thead><tr><th>Date</th><th>Merchandise</th><th>Manufacturer / Entity</th><th>Status</th></tr></thead>
  <tbody>
    <tr><td>09/30/2020</td><td>Palm oil and palm oil products</td>
        <td>FGV Holdings Berhad<br>and its subsidiaries and joint ventures</td><td>Active</td></tr>
  </tbody>
</table>
<h3>Turkmenistan</h3>
<table class="usa-table">
  <thead><tr><th>Date</th><th>Merchandise</th><th>Manufacturer/Entity</th><th>Status</th></tr></thead>
  <tbody><tr><td>May 18, 2018</td><td>Cotton</td><td></td><td>Active</td></tr></tbody>
</table>
<h2>Findings</h2>
<h3>Taiwan</h3>
<table class="usa-table">
  <thead><tr><th>Date</th><th>Merchandise</th><th>Manufacturer/Entity</th><th>Status</th><th>Press Release</th></tr></thead>
  <tbody>
    <tr><td>01/28/2022</td><td>Seafood</td><td>Fishing Vessel: Da Wang</td><td>Active</td>
        <td><a href="/newsroom/national-media-release/cbp-issues-forced-labor-finding-against-taiwanese-fishing-vessel-da-wang">Press release</a></td></tr>
  </tbody>
</table>
<h3>Malaysia</h3>
<table class="usa-table">
  <thead><tr><th>Date</th><th>Merchandise</th><th>Manufacturer/Entity</th><th>Status</th><th>WRO/Finding</th><th>Remarks</th></tr></thead>
  <tbody>
    <tr><td>03/29/2021</td><td>Disposable gloves</td><td>Top Glove Corporation&nbsp;Bhd.</td><td>Revoked</td>
        <td>Finding</td><td>Finding modified on 09/09/2021<br>after remediation; revoked.</td></tr>
  </tbody>
</table>
</main></body></html>
"""
