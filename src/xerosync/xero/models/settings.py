"""The organisation's settings, pulled from Xero: accounts, tax rates, items, the organisation."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from xerosync.xero.models.base import Money, XeroDate, XeroDateTime, XeroModel, XeroRecord

__all__ = ["Account", "Item", "ItemDetails", "Organisation", "TaxComponent", "TaxRate"]


class Account(XeroRecord):
    account_id: str | None = None
    code: str | None = None
    name: str | None = None
    type: str | None = None
    bank_account_number: str | None = None
    status: str | None = None
    description: str | None = None
    bank_account_type: str | None = None
    currency_code: str | None = None
    tax_type: str | None = None
    enable_payments_to_account: bool | None = None
    show_in_expense_claims: bool | None = None
    class_: str | None = Field(default=None, alias="Class")
    system_account: str | None = None
    reporting_code: str | None = None
    reporting_code_name: str | None = None
    has_attachments: bool | None = None
    updated_date_utc: XeroDateTime | None = None
    add_to_watchlist: bool | None = None

    read_only = XeroRecord.read_only | {
        "class_",
        "reporting_code_name",
        "has_attachments",
        "updated_date_utc",
    }


class TaxComponent(XeroModel):
    name: str | None = None
    rate: Money | None = None
    is_compound: bool | None = None
    is_non_recoverable: bool | None = None


class TaxRate(XeroRecord):
    name: str | None = None
    tax_type: str | None = None
    tax_components: list[TaxComponent] | None = None
    status: str | None = None
    report_tax_type: str | None = None
    can_apply_to_assets: bool | None = None
    can_apply_to_equity: bool | None = None
    can_apply_to_expenses: bool | None = None
    can_apply_to_liabilities: bool | None = None
    can_apply_to_revenue: bool | None = None
    display_tax_rate: Money | None = None
    effective_rate: Money | None = None

    read_only = XeroRecord.read_only | {
        "can_apply_to_assets",
        "can_apply_to_equity",
        "can_apply_to_expenses",
        "can_apply_to_liabilities",
        "can_apply_to_revenue",
        "display_tax_rate",
        "effective_rate",
    }


class ItemDetails(XeroModel):
    """An item's `PurchaseDetails` or `SalesDetails` (the spec calls both `Purchase`)."""

    unit_price: Money | None = None
    account_code: str | None = None
    cogs_account_code: str | None = Field(default=None, alias="COGSAccountCode")
    tax_type: str | None = None


class Item(XeroRecord):
    item_id: str | None = None
    code: str | None = None
    name: str | None = None
    inventory_asset_account_code: str | None = None
    is_sold: bool | None = None
    is_purchased: bool | None = None
    description: str | None = None
    purchase_description: str | None = None
    purchase_details: ItemDetails | None = None
    sales_details: ItemDetails | None = None
    is_tracked_as_inventory: bool | None = None
    total_cost_pool: Money | None = None
    quantity_on_hand: Money | None = None
    updated_date_utc: XeroDateTime | None = None

    read_only = XeroRecord.read_only | {"quantity_on_hand", "total_cost_pool", "updated_date_utc"}


class Organisation(XeroModel):
    organisation_id: str | None = None
    api_key: str | None = Field(default=None, alias="APIKey")
    name: str | None = None
    legal_name: str | None = None
    pays_tax: bool | None = None
    version: str | None = None
    organisation_type: str | None = None
    base_currency: str | None = None
    country_code: str | None = None
    is_demo_company: bool | None = None
    organisation_status: str | None = None
    registration_number: str | None = None
    tax_number: str | None = None
    financial_year_end_day: int | None = None
    financial_year_end_month: int | None = None
    sales_tax_basis: str | None = None
    sales_tax_period: str | None = None
    default_sales_tax: str | None = None
    default_purchases_tax: str | None = None
    period_lock_date: XeroDate | None = None
    end_of_year_lock_date: XeroDate | None = None
    created_date_utc: XeroDateTime | None = None
    timezone: str | None = None
    organisation_entity_type: str | None = None
    short_code: str | None = None
    class_: str | None = Field(default=None, alias="Class")
    edition: str | None = None
    line_of_business: str | None = None
    addresses: list[dict[str, Any]] | None = None
    phones: list[dict[str, Any]] | None = None
    external_links: list[dict[str, Any]] | None = None
    payment_terms: dict[str, Any] | None = None
