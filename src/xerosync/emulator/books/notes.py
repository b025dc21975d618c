"""History and notes, and attached files, of one organisation's records.

Xero keeps a history for most documents (`GET /{Kind}/{id}/History`): one entry per change,
newest first, written by Xero itself ("Created", "Approved", "Edited", "Voided", "Attached a
file"...) or added through the API as a note (`PUT .../History`, shown as "Note"). Entries
are recorded as records are stored (`Entity.store` calls `changed`) and when files are
attached.

Attachments (`/{Kind}/{id}/Attachments/{FileName}`): at most `attachment_max_count` files
per document (Xero: 10), each at most `attachment_max_bytes` (Xero: 10 MB) and of one of the
file types Xero accepts (`ALLOWED_EXTENSIONS`); uploading a file name the document already
has replaces that file. Sending `IncludeOnline=true` (sales invoices and credit notes) shows
the file with the online invoice.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xerosync.emulator.books.dates import date_string, ms_date
from xerosync.emulator.books.store import Record, norm_id
from xerosync.emulator.books.writes import Invalid

# Kinds with /History in Xero's specification that the emulator keeps.
HISTORY_KINDS = frozenset(
    [
        "BankTransactions",
        "BankTransfers",
        "Contacts",
        "CreditNotes",
        "ExpenseClaims",
        "Invoices",
        "Items",
        "ManualJournals",
        "Overpayments",
        "Payments",
        "Prepayments",
        "PurchaseOrders",
        "Quotes",
        "Receipts",
        "RepeatingInvoices",
    ]
)
# Kinds with /Attachments in Xero's specification.
ATTACHMENT_KINDS = [
    "Accounts",
    "BankTransactions",
    "BankTransfers",
    "Contacts",
    "CreditNotes",
    "Invoices",
    "ManualJournals",
    "PurchaseOrders",
    "Quotes",
    "Receipts",
    "RepeatingInvoices",
]
INCLUDE_ONLINE_KINDS = frozenset({"Invoices", "CreditNotes"})
# The file types Xero accepts as attachments.
ALLOWED_EXTENSIONS = frozenset(
    [
        "7z",
        "bmp",
        "csv",
        "doc",
        "docx",
        "eml",
        "gif",
        "jpeg",
        "jpg",
        "keynote",
        "msg",
        "numbers",
        "odf",
        "ods",
        "odt",
        "pages",
        "pdf",
        "png",
        "ppt",
        "pptx",
        "rar",
        "rtf",
        "tif",
        "tiff",
        "txt",
        "xls",
        "xlsx",
        "zip",
    ]
)
SYSTEM_USER = "System Generated"
NOTE_REQUIRED = "The history record must have Details."  # emulator's wording
TOO_MANY = "A document can have at most {limit} attachments."  # emulator's wording
BAD_TYPE = "The file type '{ext}' is not allowed as an attachment."  # emulator's wording
EMPTY_FILE = "The attachment is empty."  # emulator's wording
_STATUS_CHANGES = {
    "SUBMITTED": "Submitted for approval",
    "AUTHORISED": "Approved",
    "POSTED": "Posted",
    "PAID": "Paid",
    "VOIDED": "Voided",
    "DELETED": "Deleted",
    "ARCHIVED": "Archived",
}
_NAMES = ("InvoiceNumber", "CreditNoteNumber", "Name", "Code", "Reference", "Narration")


@dataclass(frozen=True)
class Entry:
    changes: str
    when: datetime
    details: str
    user: str = SYSTEM_USER

    def shown(self) -> Record:
        return {
            "Changes": self.changes,
            "DateUTCString": date_string(self.when),
            "DateUTC": ms_date(self.when),
            "User": self.user,
            "Details": self.details,
        }


@dataclass
class Attachment:
    attachment_id: str
    file_name: str
    mime_type: str
    content: bytes
    include_online: bool | None  # None where the kind has no online form

    def shown(self, url: str) -> Record:
        record: Record = {
            "AttachmentID": self.attachment_id,
            "FileName": self.file_name,
            "Url": url,
            "MimeType": self.mime_type,
            "ContentLength": len(self.content),
        }
        if self.include_online is not None:
            record["IncludeOnline"] = self.include_online
        return record


class Notes:
    """Every record's history and attachments in one organisation, keyed by (kind, id)."""

    def __init__(self) -> None:
        self._history: dict[tuple[str, str], list[Entry]] = {}
        self._files: dict[tuple[str, str], list[Attachment]] = {}

    # -- history ---------------------------------------------------------------------

    def changed(
        self, plural: str, old: Record | None, new: Record, id_field: str, when: datetime
    ) -> None:
        """Write the history entry for a stored record (`Entity.store`)."""
        status = new.get("Status")
        if old is None:
            changes = "Created"
        elif status != old.get("Status") and status in _STATUS_CHANGES:
            changes = _STATUS_CHANGES[str(status)]
        else:
            changes = "Edited"
        self._add(plural, new[id_field], Entry(changes, when, _describe(new)))

    def history(self, plural: str, record_id: str) -> list[Record]:
        """Newest first, as Xero lists them."""
        entries = self._history.get((plural, norm_id(record_id)), [])
        return [entry.shown() for entry in reversed(entries)]

    def add_note(self, plural: str, record_id: str, data: Any, now: datetime) -> Record:
        details = data.get("Details") if isinstance(data, dict) else None
        if not isinstance(details, str) or not details.strip():
            raise Invalid(NOTE_REQUIRED)
        self._add(plural, record_id, Entry("Note", now, details))
        return {
            "DateUTCString": date_string(now),
            "DateUTC": ms_date(now),
            "Details": details,
            "ValidationErrors": [],
        }

    def _add(self, plural: str, record_id: object, entry: Entry) -> None:
        self._history.setdefault((plural, norm_id(record_id)), []).append(entry)

    # -- attachments -------------------------------------------------------------------

    def attachments(self, plural: str, record_id: str) -> list[Attachment]:
        return list(self._files.get((plural, norm_id(record_id)), []))

    def find(self, plural: str, record_id: str, key: str) -> Attachment | None:
        """An attachment by its AttachmentID or, failing that, its file name (any case)."""
        files = self._files.get((plural, norm_id(record_id)), [])
        for attachment in files:
            if norm_id(attachment.attachment_id) == norm_id(key):
                return attachment
        for attachment in files:
            if attachment.file_name.lower() == key.lower():
                return attachment
        return None

    def attach(
        self,
        plural: str,
        record_id: str,
        file_name: str,
        content: bytes,
        *,
        content_type: str | None,
        include_online: bool | None,
        app_name: str,
        now: datetime,
        max_count: int,
    ) -> Attachment:
        """Add (or replace, by file name) a file; Invalid with the reason when refused."""
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if extension not in ALLOWED_EXTENSIONS:
            raise Invalid(BAD_TYPE.format(ext=extension or file_name))
        if not content:
            raise Invalid(EMPTY_FILE)
        files = self._files.setdefault((plural, norm_id(record_id)), [])
        existing = self.find(plural, record_id, file_name)
        if existing is None and len(files) >= max_count:
            raise Invalid(TOO_MANY.format(limit=max_count))
        online = None
        if plural in INCLUDE_ONLINE_KINDS:
            online = bool(include_online) if include_online is not None else False
        attachment = Attachment(
            attachment_id=existing.attachment_id if existing else str(uuid.uuid4()),
            file_name=file_name,
            mime_type=_mime_type(file_name, content_type),
            content=content,
            include_online=online,
        )
        if existing is not None:
            files[files.index(existing)] = attachment
        else:
            files.append(attachment)
        details = f"Attached the file {file_name} through the Xero API using {app_name}"
        self._add(plural, record_id, Entry("Attached a file", now, details))
        return attachment

    def reset(self) -> None:
        self._history.clear()
        self._files.clear()


def _mime_type(file_name: str, content_type: str | None) -> str:
    guessed, _ = mimetypes.guess_type(file_name)
    if guessed:
        return guessed
    given = (content_type or "").split(";")[0].strip()
    return given or "application/octet-stream"


def _describe(record: Record) -> str:
    name = next((str(record[k]) for k in _NAMES if record.get(k)), "")
    total = record.get("Total", record.get("Amount"))
    if name and total is not None:
        return f"{name} for {total}."
    return f"{name}." if name else ""
