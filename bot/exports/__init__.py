"""Files for officials, by feature.

- ``tables``: a table as XLSX or CSV, and the reports, loans and programs spreadsheets.
- ``decisions``: /export of the HQ decisions.
- ``hq``: the obstructive-laws list (/laws' file).
"""
