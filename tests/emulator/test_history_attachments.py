"""`/{Kind}/{id}/History` and `/{Kind}/{id}/Attachments`, over raw HTTP (the client does not
read them), with Xero's limits: 10 files per document, 10 MB a file, Xero's file types."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.support.books_api import api_client

NOT_FOUND = "The resource you're looking for cannot be found"
PDF = b"%PDF-1.4 a small file"


def _first_id(api: httpx.Client, plural: str) -> str:
    records = api.get(f"/{plural}").json()[plural]
    assert records, plural
    found: str = records[0][plural[:-1] + "ID"]
    return found


def _new_contact(api: httpx.Client, name: str = "History Ltd") -> dict[str, Any]:
    made: dict[str, Any] = api.put("/Contacts", json={"Contacts": [{"Name": name}]}).json()[
        "Contacts"
    ][0]
    return made


def test_history_records_creation_edits_and_notes(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        contact = _new_contact(api)
        contact_id = contact["ContactID"]
        emulator.clock.advance(60)
        api.post(f"/Contacts/{contact_id}", json={"Contacts": [{"EmailAddress": "a@b.co"}]})
        emulator.clock.advance(60)
        added = api.put(
            f"/Contacts/{contact_id}/History",
            json={"HistoryRecords": [{"Details": "Called about the overdue bill"}]},
        )
        assert added.status_code == 200, added.text
        note = added.json()["HistoryRecords"][0]
        assert note["Details"] == "Called about the overdue bill"
        assert note["ValidationErrors"] == []
        history = api.get(f"/contacts/{contact_id}/history").json()["HistoryRecords"]
    assert [h["Changes"] for h in history] == ["Note", "Edited", "Created"]
    assert history[0]["DateUTC"].startswith("/Date(")
    assert history[-1]["Details"].startswith("History Ltd")
    assert all(h["User"] == "System Generated" for h in history)


def test_status_changes_are_named_in_an_invoices_history(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        contact = _new_contact(api)
        invoice = api.put(
            "/Invoices",
            json={
                "Invoices": [
                    {
                        "Type": "ACCREC",
                        "Contact": {"ContactID": contact["ContactID"]},
                        "LineItems": [
                            {
                                "Description": "Work",
                                "Quantity": 1,
                                "UnitAmount": 100,
                                "AccountCode": "200",
                            }
                        ],
                        "Status": "DRAFT",
                    }
                ]
            },
        ).json()["Invoices"][0]
        invoice_id = invoice["InvoiceID"]
        emulator.clock.advance(1)
        approved = api.post(
            f"/Invoices/{invoice_id}", json={"Invoices": [{"Status": "AUTHORISED"}]}
        )
        assert approved.status_code == 200, approved.text
        history = api.get(f"/Invoices/{invoice_id}/History").json()["HistoryRecords"]
    assert [h["Changes"] for h in history][:2] == ["Approved", "Created"]


@pytest.mark.parametrize(
    "plural",
    [
        "Invoices",
        "Contacts",
        "CreditNotes",
        "BankTransactions",
        "ManualJournals",
        "Payments",
        "Items",
        "Prepayments",
        "Overpayments",
        "BankTransfers",
        "PurchaseOrders",
        "Quotes",
    ],
)
def test_every_kind_has_a_history_and_takes_notes(emulator: RunningEmulator, plural: str) -> None:
    with api_client(emulator) as (api, _):
        record_id = _first_id(api, plural)
        assert api.get(f"/{plural}/{record_id}/History").status_code == 200
        added = api.put(
            f"/{plural}/{record_id}/History", json={"HistoryRecords": [{"Details": "Checked"}]}
        )
        assert added.status_code == 200, added.text
        history = api.get(f"/{plural}/{record_id}/History").json()["HistoryRecords"]
    assert history[0]["Changes"] == "Note"
    assert history[0]["Details"] == "Checked"


def test_history_of_an_unknown_record_and_an_empty_note(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        missing = api.get("/Invoices/00000000-0000-0000-0000-000000000001/History")
        assert missing.status_code == 404
        assert missing.text == NOT_FOUND
        contact_id = _new_contact(api)["ContactID"]
        empty = api.put(
            f"/Contacts/{contact_id}/History", json={"HistoryRecords": [{"Details": ""}]}
        )
    assert empty.status_code == 400
    assert empty.json()["Type"] == "ValidationException"


def test_attachments_upload_list_and_download(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        invoice_id = _first_id(api, "Invoices")
        uploaded = api.put(
            f"/Invoices/{invoice_id}/Attachments/Signed order.pdf",
            params={"IncludeOnline": "true"},
            content=PDF,
            headers={"Content-Type": "application/pdf"},
        )
        assert uploaded.status_code == 200, uploaded.text
        shown = uploaded.json()["Attachments"][0]
        assert shown["FileName"] == "Signed order.pdf"
        assert shown["MimeType"] == "application/pdf"
        assert shown["ContentLength"] == len(PDF)
        assert shown["IncludeOnline"] is True
        assert shown["Url"].endswith(f"/Invoices/{invoice_id}/Attachments/Signed%20order.pdf")
        listed = api.get(f"/Invoices/{invoice_id}/Attachments").json()["Attachments"]
        assert [a["AttachmentID"] for a in listed] == [shown["AttachmentID"]]
        by_name = api.get(f"/Invoices/{invoice_id}/Attachments/Signed order.pdf")
        by_id = api.get(f"/Invoices/{invoice_id}/Attachments/{shown['AttachmentID']}")
        followed = httpx.get(shown["Url"], headers=api.headers)
        invoice = api.get(f"/Invoices/{invoice_id}").json()["Invoices"][0]
        history = api.get(f"/Invoices/{invoice_id}/History").json()["HistoryRecords"]
    for download in (by_name, by_id, followed):
        assert download.status_code == 200
        assert download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
    assert invoice["HasAttachments"] is True
    assert history[0]["Changes"] == "Attached a file"
    assert "Signed order.pdf" in history[0]["Details"]


@pytest.mark.parametrize(
    "plural",
    [
        "Contacts",
        "CreditNotes",
        "BankTransactions",
        "ManualJournals",
        "Accounts",
        "BankTransfers",
        "PurchaseOrders",
        "Quotes",
        "Receipts",
        "RepeatingInvoices",
    ],
)
def test_every_kind_with_attachments_takes_them(emulator: RunningEmulator, plural: str) -> None:
    with api_client(emulator) as (api, _):
        record_id = _first_id(api, plural)
        posted = api.post(f"/{plural}/{record_id}/Attachments/scan.png", content=b"\x89PNG")
        assert posted.status_code == 200, posted.text
        listed = api.get(f"/{plural}/{record_id}/Attachments").json()["Attachments"]
    assert [a["FileName"] for a in listed] == ["scan.png"]
    assert listed[0]["MimeType"] == "image/png"
    assert ("IncludeOnline" in listed[0]) == (plural == "CreditNotes")


def test_the_same_file_name_replaces_the_file(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, _):
        contact_id = _new_contact(api)["ContactID"]
        first = api.put(f"/Contacts/{contact_id}/Attachments/a.txt", content=b"one")
        second = api.post(f"/Contacts/{contact_id}/Attachments/a.txt", content=b"two!")
        listed = api.get(f"/Contacts/{contact_id}/Attachments").json()["Attachments"]
        content = api.get(f"/Contacts/{contact_id}/Attachments/a.txt").content
    same_id = first.json()["Attachments"][0]["AttachmentID"]
    assert second.json()["Attachments"][0]["AttachmentID"] == same_id
    assert [(a["FileName"], a["ContentLength"]) for a in listed] == [("a.txt", 4)]
    assert content == b"two!"


def test_xeros_attachment_limits(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(attachment_max_bytes=1000)
    with api_client(emulator) as (api, _):
        contact_id = _new_contact(api)["ContactID"]
        url = f"/Contacts/{contact_id}/Attachments"
        for n in range(10):
            assert api.put(f"{url}/file{n}.txt", content=b"x").status_code == 200
        eleventh = api.put(f"{url}/file10.txt", content=b"x")
        assert eleventh.status_code == 400
        assert "at most 10" in eleventh.json()["Elements"][0]["ValidationErrors"][0]["Message"]
        other = _new_contact(api, "Other Ltd")["ContactID"]
        url = f"/Contacts/{other}/Attachments"
        too_big = api.put(f"{url}/big.pdf", content=b"x" * 1001)
        assert too_big.status_code == 413
        wrong_type = api.put(f"{url}/tool.exe", content=b"MZ")
        assert wrong_type.status_code == 400
        assert "exe" in wrong_type.json()["Elements"][0]["ValidationErrors"][0]["Message"]
        assert api.put(f"{url}/empty.pdf", content=b"").status_code == 400
        assert api.get(f"{url}/nothing.pdf").status_code == 404
        assert (
            api.put(
                "/Contacts/00000000-0000-0000-0000-000000000001/Attachments/a.pdf", content=PDF
            ).status_code
            == 404
        )


def test_the_default_file_limit_is_ten_megabytes(emulator: RunningEmulator) -> None:
    assert emulator.state.config.attachment_max_bytes == 10 * 1024 * 1024
    with api_client(emulator) as (api, _):
        contact_id = _new_contact(api)["ContactID"]
        url = f"/Contacts/{contact_id}/Attachments"
        fits = api.put(f"{url}/large.pdf", content=b"x" * (5 * 1024 * 1024))
        assert fits.status_code == 200  # above the 3.5 MB request limit, within a file's
        assert api.put(f"{url}/huge.pdf", content=b"x" * (10 * 1024 * 1024 + 1)).status_code == 413


def test_attachments_need_the_attachments_scope(emulator: RunningEmulator) -> None:
    with emulator.admin() as admin:
        app = admin.post("/apps", json={}).json()
        tenant = admin.post("/tenants", json={"name": "Acme", "seed_demo": True}).json()
        token = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant["tenant_id"]],
                "scopes": ["accounting.contacts"],
            },
        ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": tenant["tenant_id"]}
    with httpx.Client(base_url=emulator.api_url, headers=headers) as api:
        contact_id = _first_id(api, "Contacts")
        assert api.get(f"/Contacts/{contact_id}/History").status_code == 200
        refused = api.get(f"/Contacts/{contact_id}/Attachments")
    assert refused.status_code == 401
    assert "insufficient_scope" in refused.headers["www-authenticate"]
