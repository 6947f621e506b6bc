"""Data completeness per agency: a checklist for every active ASN, shares and a score per unit, daily
snapshots for the trend, the people missing each item, and the spreadsheet."""
