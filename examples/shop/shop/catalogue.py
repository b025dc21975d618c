"""The shop's sample business: customers, the orders they completed, and the card processor's
payouts, made up from a seed so every run of the demo tells the same story."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from shop.store import Customer, Order, Payout

__all__ = ["CARD_PROCESSOR", "Catalogue", "make_catalogue"]

NAMES = [
    "Harbour Cafe",
    "Northside Bakery",
    "Kowhai Kitchen",
    "Tidewater Deli",
    "Rimu Roasters",
    "Southern Cross Catering",
    "Pohutukawa Hotel",
    "Beachcomber Bistro",
    "Totara Tearooms",
    "Matai Market",
    "Kauri Coffee Co",
    "Riverbend Lodge",
    "Summit Sandwiches",
    "Lighthouse Diner",
    "Fernleaf Foods",
    "Wharf Street Eatery",
]
PRODUCTS = [
    ("Coffee beans 1kg", Decimal("32.00")),
    ("Coffee beans 5kg", Decimal("145.00")),
    ("Loose-leaf tea 500g", Decimal("24.50")),
    ("Oat milk, case of 12", Decimal("38.40")),
    ("Paper cups, sleeve of 1000", Decimal("89.90")),
    ("Espresso machine service", Decimal("180.00")),
    ("Chocolate powder 2kg", Decimal("41.25")),
]
#: card sales at the counter reach the bank as payouts from the card processor
CARD_PROCESSOR = Customer(id="cust-cards", name="Tap & Go Card Payments", email=None)


@dataclass(frozen=True)
class Catalogue:
    customers: list[Customer]
    orders: list[Order]
    payouts: list[Payout]


def make_catalogue(
    *, customers: int = 12, orders: int = 36, payouts: int = 6, today: date, seed: int = 7
) -> Catalogue:
    rng = random.Random(seed)
    people = [
        Customer(
            id=f"cust-{n:03d}",
            name=NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n // len(NAMES) + 1}"),
            email=f"accounts{n}@{NAMES[n % len(NAMES)].lower().replace(' ', '')}.example",
            phone=f"09 555 {1000 + n:04d}",
        )
        for n in range(customers)
    ]
    made = []
    for n in range(orders):
        lines = []
        for _ in range(rng.randint(1, 3)):
            description, price = rng.choice(PRODUCTS)
            lines.append(
                {
                    "description": description,
                    "quantity": rng.randint(1, 4),
                    "unit_amount": str(price),
                    "tax_class": "standard",
                }
            )
        total = sum(Decimal(str(li["quantity"])) * Decimal(li["unit_amount"]) for li in lines)
        made.append(
            Order(
                id=f"order-{1001 + n}",
                customer_id=rng.choice(people).id,
                number=f"SHOP-{1001 + n}",
                date=(today - timedelta(days=rng.randint(1, 75))).isoformat(),
                lines=lines,
                total=str((total * Decimal("1.15")).quantize(Decimal("0.01"))),  # GST inclusive
            )
        )
    cards = [
        Payout(
            id=f"payout-{n + 1:03d}",
            date=(today - timedelta(days=7 * (payouts - n))).isoformat(),
            amount=str(Decimal(rng.randint(40000, 160000)) / 100),
        )
        for n in range(payouts)
    ]
    return Catalogue([*people, CARD_PROCESSOR] if payouts else people, made, cards)
