"""台账: the Excel ledgers, one fixed layout for every community (routes on reports.bp)."""
