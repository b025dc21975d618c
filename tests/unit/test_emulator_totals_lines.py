"""Line items checked against the organisation's catalogue, priced and totalled."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal as D
from typing import Any

from xerosync.emulator.books.invoice_lines import DISCOUNT_ON_BILL, price_lines
from xerosync.emulator.books.writes import Invalid


def unknown_account(code: str) -> str:
    return f"Account code '{code}' has been removed as it does not match a recognised account."


def unknown_tax_type(tax_type: str) -> str:
    return f"The TaxType code '{tax_type}' is not a valid tax type."


def unknown_item(code: str) -> str:
    return f"Item code '{code}' is not valid"


class Catalogue:
    accounts = {
        "200": {"AccountID": "a-200", "Code": "200", "TaxType": "OUTPUT2"},
        "400": {"AccountID": "a-400", "Code": "400", "TaxType": "INPUT2"},
        "260": {"AccountID": "a-260", "Code": "260"},
    }
    rates = {"OUTPUT2": D("15"), "INPUT2": D("15"), "NONE": D("0")}
    items = {
        "WIDGET": {
            "ItemID": "i-1",
            "Code": "WIDGET",
            "Name": "Widget",
            "Description": "A widget",
            "PurchaseDescription": "Widget (bought)",
            "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200"},
            "PurchaseDetails": {"UnitPrice": 7, "AccountCode": "400", "TaxType": "NONE"},
        }
    }

    def account_by_code(self, code: str) -> Mapping[str, Any]:
        if code not in self.accounts:
            raise Invalid(unknown_account(code))
        return self.accounts[code]

    def account_by_id(self, account_id: str) -> Mapping[str, Any]:
        for account in self.accounts.values():
            if account["AccountID"] == account_id:
                return account
        raise Invalid(unknown_account(account_id))

    def tax_rate(self, tax_type: str, account: Mapping[str, Any] | None) -> D:
        if tax_type.upper() not in self.rates:
            raise Invalid(unknown_tax_type(tax_type))
        return self.rates[tax_type.upper()]

    def tracking(self, raw: object) -> list[dict[str, Any]]:
        if raw is None:
            return []
        assert isinstance(raw, list)
        if len(raw) > 2:
            raise Invalid("A line item can have a maximum of 2 tracking categories.")
        return [{"Name": t["Name"], "Option": t["Option"]} for t in raw]

    def item_by_code(self, code: str) -> Mapping[str, Any]:
        if code not in self.items:
            raise Invalid(unknown_item(code))
        return self.items[code]


def price(lines: list[dict[str, Any]], kind: str = "ACCREC", types: str = "Exclusive") -> Any:
    return price_lines(lines, invoice_type=kind, amount_types=types, catalogue=Catalogue())


def test_account_code_brings_its_tax_type_and_the_server_computes_totals() -> None:
    priced = price(
        [
            {"Description": "Consulting", "Quantity": 2, "UnitAmount": 100, "AccountCode": "200"},
            {"Description": "Travel", "Quantity": 1, "UnitAmount": "14.43", "AccountCode": "200"},
        ]
    )
    assert priced.errors == []
    assert [line["TaxType"] for line in priced.lines] == ["OUTPUT2", "OUTPUT2"]
    assert [line["TaxAmount"] for line in priced.lines] == [D("30.00"), D("2.16")]
    assert priced.totals is not None
    assert (priced.totals.sub_total, priced.totals.total_tax, priced.totals.total) == (
        D("214.43"),
        D("32.16"),
        D("246.59"),
    )


def test_item_code_fills_description_price_and_account_per_side() -> None:
    sale = price([{"ItemCode": "WIDGET", "Quantity": 2}]).lines[0]
    assert (sale["Description"], sale["UnitAmount"], sale["AccountCode"], sale["TaxType"]) == (
        "A widget",
        D("12.50"),
        "200",
        "OUTPUT2",
    )
    assert sale["Item"]["ItemID"] == "i-1"
    bill = price([{"ItemCode": "WIDGET", "Quantity": 2}], kind="ACCPAY").lines[0]
    assert (bill["Description"], bill["UnitAmount"], bill["AccountCode"], bill["TaxType"]) == (
        "Widget (bought)",
        D("7.00"),
        "400",
        "NONE",
    )


def test_unknown_codes_are_refused_with_xeros_messages() -> None:
    priced = price(
        [
            {"Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "476"},
            {
                "Description": "y",
                "Quantity": 1,
                "UnitAmount": 1,
                "AccountCode": "260",
                "TaxType": "OUTPUT9",
            },
            {"ItemCode": "NOPE", "Quantity": 1},
        ]
    )
    assert priced.errors == [
        unknown_account("476"),
        unknown_tax_type("OUTPUT9"),
        unknown_item("NOPE"),
    ]
    assert priced.totals is None
    assert "Account code '476' has been removed" in priced.errors[0]


def test_negative_quantity_and_discounts_on_bills_are_refused() -> None:
    priced = price([{"Description": "x", "Quantity": -1, "UnitAmount": 5}])
    assert priced.errors == [
        "The quantity value '-1.0000' is invalid. Quantity must not be less than zero."
    ]
    bill = price(
        [{"Description": "x", "Quantity": 1, "UnitAmount": 5, "DiscountRate": 10}], kind="ACCPAY"
    )
    assert bill.errors == [DISCOUNT_ON_BILL]


def test_line_item_ids_are_kept_for_known_lines_and_new_for_others() -> None:
    first = price([{"Description": "a", "Quantity": 1, "UnitAmount": 1}])
    kept = first.lines[0]["LineItemID"]
    second = price_lines(
        [
            {"LineItemID": kept.upper(), "Description": "a", "Quantity": 2, "UnitAmount": 1},
            {"LineItemID": "not-ours", "Description": "b", "Quantity": 1, "UnitAmount": 1},
        ],
        invoice_type="ACCREC",
        amount_types="Exclusive",
        catalogue=Catalogue(),
        previous=first.lines,
    )
    assert second.lines[0]["LineItemID"] == kept
    assert second.lines[1]["LineItemID"] not in (kept, "not-ours")


def test_inclusive_and_no_tax_lines() -> None:
    inclusive = price(
        [{"Description": "x", "Quantity": 1, "UnitAmount": 115, "AccountCode": "200"}],
        types="Inclusive",
    )
    assert inclusive.totals is not None
    assert (inclusive.totals.sub_total, inclusive.totals.total_tax) == (D("100.00"), D("15.00"))
    no_tax = price(
        [{"Description": "x", "Quantity": 1, "UnitAmount": 115, "AccountCode": "200"}],
        types="NoTax",
    )
    assert no_tax.totals is not None
    assert (no_tax.totals.total_tax, no_tax.totals.total) == (D("0.00"), D("115.00"))


def test_a_number_that_is_not_one_is_refused() -> None:
    priced = price([{"Description": "x", "Quantity": "two", "UnitAmount": 5}])
    assert priced.errors
    assert "Quantity" in priced.errors[0]


def test_tracking_is_checked_by_the_catalogue() -> None:
    tracking = [{"Name": "Region", "Option": "North"}]
    ok = price([{"Description": "x", "Quantity": 1, "UnitAmount": 1, "Tracking": tracking}])
    assert ok.lines[0]["Tracking"] == tracking
    too_many = price(
        [{"Description": "x", "Quantity": 1, "UnitAmount": 1, "Tracking": tracking * 3}]
    )
    assert too_many.errors == ["A line item can have a maximum of 2 tracking categories."]
