"""Organisation, Accounts, TaxRates and Items over real HTTP, with Xero's rules."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def message(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    return str(response.json()["Elements"][0]["ValidationErrors"][0]["Message"])


def test_organisation_describes_the_tenant(emulator: RunningEmulator) -> None:
    with api_client(emulator, name="Kauri Traders") as (api, tenant_id):
        org = api.get("/Organisation").json()["Organisations"][0]
    assert org["OrganisationID"] == tenant_id
    assert org["Name"] == "Kauri Traders"
    assert (org["BaseCurrency"], org["CountryCode"], org["Version"]) == ("NZD", "NZ", "NZ")
    assert (org["FinancialYearEndDay"], org["FinancialYearEndMonth"]) == (31, 3)
    assert org["ShortCode"].startswith("!")
    assert org["Timezone"] == "NEWZEALANDSTANDARDTIME"
    with api_client(emulator) as (api, _):
        actions = api.get("/Organisation/Actions").json()["Actions"]
    assert {"Name": "UseMulticurrency", "Status": "ALLOWED"} in actions


def test_chart_of_accounts_has_banks_and_system_accounts(api: httpx.Client) -> None:
    accounts = api.get("/Accounts").json()["Accounts"]
    by_code = {a.get("Code"): a for a in accounts}
    assert by_code["090"]["Type"] == "BANK"
    assert by_code["090"]["BankAccountNumber"]
    assert by_code["610"]["SystemAccount"] == "DEBTORS"
    assert by_code["800"]["SystemAccount"] == "CREDITORS"
    assert by_code["820"]["SystemAccount"] == "GST"
    assert by_code["960"]["SystemAccount"] == "RETAINEDEARNINGS"
    assert by_code["200"]["Class"] == "REVENUE"
    assert [a["Code"] for a in accounts] == sorted(a["Code"] for a in accounts)
    banks = api.get("/Accounts", params={"where": 'Type=="BANK"'}).json()["Accounts"]
    assert {a["Code"] for a in banks} == {"090", "091"}
    one = api.get(f"/Accounts/{by_code['200']['AccountID']}").json()["Accounts"][0]
    assert one["Name"] == "Sales"


def test_account_create_update_archive_delete(api: httpx.Client) -> None:
    created = api.put(
        "/Accounts",
        json={"Code": "455", "Name": "Software", "Type": "OVERHEADS", "TaxType": "INPUT2"},
    )
    assert created.status_code == 200, created.text
    account = created.json()["Accounts"][0]
    assert account["Class"] == "EXPENSE"
    assert account["Status"] == "ACTIVE"
    duplicate = api.put("/Accounts", json={"Code": "455", "Name": "Other", "Type": "OVERHEADS"})
    assert message(duplicate) == "Please enter a unique Code."
    same_name = api.put("/Accounts", json={"Code": "456", "Name": "software", "Type": "EXPENSE"})
    assert message(same_name) == "Please enter a unique Name."
    archived = api.post(
        f"/Accounts/{account['AccountID']}", json={"Accounts": [{"Status": "ARCHIVED"}]}
    )
    assert archived.json()["Accounts"][0]["Status"] == "ARCHIVED"
    deleted = api.delete(f"/Accounts/{account['AccountID']}")
    assert deleted.status_code == 200
    assert deleted.json()["Accounts"][0]["Status"] == "DELETED"
    assert api.get(f"/Accounts/{account['AccountID']}").status_code == 404


def test_system_accounts_cannot_be_deleted_or_archived(api: httpx.Client) -> None:
    debtors = api.get("/Accounts", params={"where": 'SystemAccount=="DEBTORS"'}).json()
    account_id = debtors["Accounts"][0]["AccountID"]
    assert message(api.delete(f"/Accounts/{account_id}")) == "System accounts cannot be deleted."
    refused = api.post(f"/Accounts/{account_id}", json={"Accounts": [{"Status": "ARCHIVED"}]})
    assert message(refused) == "System accounts cannot be archived."


def test_bank_account_needs_a_number_and_tax_type_must_fit(api: httpx.Client) -> None:
    refused = api.put("/Accounts", json={"Name": "Float", "Type": "BANK"})
    assert message(refused) == "Please enter a bank account number."
    bank = api.put(
        "/Accounts",
        json={"Code": "092", "Name": "Float", "Type": "BANK", "BankAccountNumber": "12-3456"},
    )
    assert bank.json()["Accounts"][0]["BankAccountType"] == "BANK"
    unknown = api.put(
        "/Accounts", json={"Code": "457", "Name": "X", "Type": "EXPENSE", "TaxType": "BOGUS"}
    )
    assert message(unknown) == "The TaxType code 'BOGUS' is not a valid tax type."
    wrong = api.put(
        "/Accounts", json={"Code": "201", "Name": "Y", "Type": "SALES", "TaxType": "INPUT2"}
    )
    assert message(wrong) == "The TaxType code 'INPUT2' cannot be used with account code '201'."


def test_tax_rates_list_create_and_rename(api: httpx.Client) -> None:
    rates = {r["TaxType"]: r for r in api.get("/TaxRates").json()["TaxRates"]}
    assert rates["OUTPUT2"]["EffectiveRate"] == 15.0
    assert rates["NONE"]["EffectiveRate"] == 0.0
    created = api.put(
        "/TaxRates",
        json={
            "TaxRates": [
                {
                    "Name": "Compound Tax",
                    "ReportTaxType": "OUTPUT",
                    "TaxComponents": [
                        {"Name": "State", "Rate": 10},
                        {"Name": "Local", "Rate": 5, "IsCompound": True},
                    ],
                }
            ]
        },
    )
    assert created.status_code == 200, created.text
    rate = created.json()["TaxRates"][0]
    assert rate["TaxType"] == "TAX001"
    assert rate["DisplayTaxRate"] == 15.0
    assert rate["EffectiveRate"] == 15.5  # 10% + 5% of 110%
    renamed = api.post(
        "/TaxRates", json={"TaxRates": [{"TaxType": "TAX001", "Name": "Compound Sales Tax"}]}
    )
    assert renamed.json()["TaxRates"][0]["Name"] == "Compound Sales Tax"
    assert api.get("/TaxRates/TAX001").json()["TaxRates"][0]["Name"] == "Compound Sales Tax"
    assert message(api.put("/TaxRates", json={"TaxRates": [{"Name": "Empty"}]})) == (
        "A tax rate must have at least one tax component."
    )


def test_items_unique_code_unitdp_and_delete(api: httpx.Client) -> None:
    created = api.put(
        "/Items",
        json={
            "Items": [
                {
                    "Code": "WIDGET",
                    "Name": "Widget",
                    "SalesDetails": {
                        "UnitPrice": 10.1234,
                        "AccountCode": "200",
                        "TaxType": "OUTPUT2",
                    },
                }
            ]
        },
    )
    assert created.status_code == 200, created.text
    item = created.json()["Items"][0]
    assert item["SalesDetails"]["UnitPrice"] == 10.12
    four = api.get(f"/Items/{item['ItemID']}", params={"unitdp": 4}).json()["Items"][0]
    assert four["SalesDetails"]["UnitPrice"] == 10.1234
    again = api.put("/Items", json={"Items": [{"Code": "WIDGET"}]})
    assert message(again) == "Price List Item with Code 'WIDGET' already exists"
    bad_account = api.put(
        "/Items", json={"Items": [{"Code": "W2", "SalesDetails": {"AccountCode": "476"}}]}
    )
    assert message(bad_account) == (
        "Account code '476' has been removed as it does not match a recognised account."
    )
    upserted = api.post("/Items", json={"Items": [{"Code": "WIDGET", "Name": "Widget v2"}]})
    assert upserted.json()["Items"][0]["ItemID"] == item["ItemID"]
    assert api.delete(f"/Items/{item['ItemID']}").status_code == 204
    assert api.get(f"/Items/{item['ItemID']}").status_code == 404


def test_tracked_item_needs_an_inventory_account(api: httpx.Client) -> None:
    refused = api.put(
        "/Items",
        json={
            "Items": [
                {
                    "Code": "TRK",
                    "InventoryAssetAccountCode": "200",
                    "PurchaseDetails": {"COGSAccountCode": "310"},
                }
            ]
        },
    )
    assert message(refused) == "The inventory asset account must be of type INVENTORY."
    tracked = api.put(
        "/Items",
        json={
            "Items": [
                {
                    "Code": "TRK",
                    "InventoryAssetAccountCode": "630",
                    "PurchaseDetails": {"COGSAccountCode": "310"},
                }
            ]
        },
    )
    assert tracked.json()["Items"][0]["IsTrackedAsInventory"] is True
