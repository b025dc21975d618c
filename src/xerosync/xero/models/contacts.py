"""Contacts (customers and suppliers) and the small objects they carry."""

from __future__ import annotations

from xerosync.xero.models.base import Money, XeroDateTime, XeroModel, XeroRecord

__all__ = [
    "Address",
    "Balance",
    "Balances",
    "Contact",
    "ContactGroup",
    "ContactPerson",
    "PaymentTerm",
    "PaymentTerms",
    "Phone",
]


class Address(XeroModel):
    address_type: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    address_line4: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    attention_to: str | None = None


class Phone(XeroModel):
    phone_type: str | None = None
    phone_number: str | None = None
    phone_area_code: str | None = None
    phone_country_code: str | None = None


class ContactPerson(XeroModel):
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    include_in_emails: bool | None = None


class ContactGroup(XeroModel):
    contact_group_id: str | None = None
    name: str | None = None
    status: str | None = None


class PaymentTerm(XeroModel):
    day: int | None = None
    type: str | None = None


class PaymentTerms(XeroModel):
    bills: PaymentTerm | None = None
    sales: PaymentTerm | None = None


class Balance(XeroModel):
    outstanding: Money | None = None
    overdue: Money | None = None


class Balances(XeroModel):
    accounts_receivable: Balance | None = None
    accounts_payable: Balance | None = None


class Contact(XeroRecord):
    contact_id: str | None = None
    merged_to_contact_id: str | None = None
    contact_number: str | None = None
    account_number: str | None = None
    contact_status: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_number: str | None = None
    email_address: str | None = None
    contact_persons: list[ContactPerson] | None = None
    bank_account_details: str | None = None
    tax_number: str | None = None
    tax_number_type: str | None = None
    accounts_receivable_tax_type: str | None = None
    accounts_payable_tax_type: str | None = None
    addresses: list[Address] | None = None
    phones: list[Phone] | None = None
    is_supplier: bool | None = None
    is_customer: bool | None = None
    sales_default_line_amount_type: str | None = None
    purchases_default_line_amount_type: str | None = None
    default_currency: str | None = None
    sales_default_account_code: str | None = None
    purchases_default_account_code: str | None = None
    payment_terms: PaymentTerms | None = None
    contact_groups: list[ContactGroup] | None = None
    website: str | None = None
    balances: Balances | None = None
    updated_date_utc: XeroDateTime | None = None
    has_attachments: bool | None = None
    has_validation_errors: bool | None = None

    read_only = XeroRecord.read_only | {
        "merged_to_contact_id",
        "is_supplier",
        "is_customer",
        "balances",
        "updated_date_utc",
        "has_attachments",
        "has_validation_errors",
    }
