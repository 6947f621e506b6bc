"""Spreadsheet imports (ASN profiles, learning records, webinar attendance) run as jobs."""
