"""Journal entries in the shape of Xero's Journals endpoint (`Journal` / `JournalLine`)."""

from __future__ import annotations

from typing import Any

from xerosync.emulator.ledger.journal import JournalEntry
from xerosync.emulator.ledger.values import ms_date, ms_datetime


def journal_record(entry: JournalEntry) -> dict[str, Any]:
    posting = entry.posting
    record: dict[str, Any] = {
        "JournalID": entry.journal_id,
        "JournalDate": ms_date(posting.date),
        "JournalNumber": entry.number,
        "CreatedDateUTC": ms_datetime(entry.created),
        "Reference": posting.reference,
        "SourceID": posting.source_id,
        "SourceType": posting.source_type,
        "JournalLines": [],
    }
    for index, line in enumerate(posting.lines):
        out: dict[str, Any] = {
            "JournalLineID": entry.line_id(index),
            "AccountID": line.account.account_id,
            "AccountCode": line.account.code,
            "AccountType": line.account.type,
            "AccountName": line.account.name,
            "Description": line.description,
            "NetAmount": float(line.net),
            "GrossAmount": float(line.gross),
            "TaxAmount": float(line.tax),
            "TrackingCategories": [
                {
                    "TrackingCategoryID": category_id,
                    "TrackingOptionID": option_id,
                    "Name": name,
                    "Option": option,
                }
                for category_id, option_id, name, option in line.tracking
            ],
        }
        if line.tax_type:
            out["TaxType"] = line.tax_type
        record["JournalLines"].append(out)
    return record
