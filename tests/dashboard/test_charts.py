"""The chart functions: values map to sizes, every bar carries its value, and zero, negative and
empty data still draw a sane chart (parsed as XML, as a browser would)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from xerosync.service.dashboard import charts
from xerosync.sync.finance import Aging, BankBalance, MonthResult, PaidSplit

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "data-value" in r.attrib]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def balance(name: str, closing: str) -> BankBalance:
    zero = Decimal(0)
    return BankBalance(name=name, opening=zero, received=zero, spent=zero, closing=Decimal(closing))


def test_bars_are_as_tall_as_their_values_and_say_them() -> None:
    root = parse(
        charts.bank_balances_chart([balance("Business", "3000"), balance("Savings", "1500.5")])
    )
    business, savings = rects(root)
    assert business.get("data-value") == "3000.00"
    assert savings.get("data-value") == "1500.50"
    ratio = float(savings.attrib["height"]) / float(business.attrib["height"])
    assert ratio == pytest.approx(1500.5 / 3000, abs=0.01)
    assert {"3,000.00", "1,500.50", "Business", "Savings"} <= set(texts(root))
    assert root.find(f"{SVG}title").text == "Cash and bank balances"  # type: ignore[union-attr]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Savings: 1,500.50" in titles


def test_a_negative_balance_hangs_below_the_zero_line() -> None:
    root = parse(charts.bank_balances_chart([balance("Business", "1000"), balance("Card", "-250")]))
    business, card = rects(root)
    business_bottom = float(business.attrib["y"]) + float(business.attrib["height"])
    assert float(card.attrib["y"]) == pytest.approx(business_bottom)  # both start at zero
    assert float(card.attrib["height"]) == pytest.approx(
        float(business.attrib["height"]) / 4, abs=0.2
    )
    assert card.get("data-value") == "-250.00"
    assert "-250.00" in texts(root)


def test_zero_and_empty_data_draw_without_errors() -> None:
    zero = parse(charts.aging_chart(Aging()))
    assert [r.get("data-value") for r in rects(zero)] == ["0.00"] * 5
    assert all(float(r.attrib["height"]) == 0 for r in rects(zero))
    assert "nan" not in ET.tostring(zero, encoding="unicode").lower()

    empty = parse(charts.bank_balances_chart([]))
    assert rects(empty) == []
    assert "Nothing to show yet" in texts(empty)
    assert "Nothing to show yet" in texts(parse(charts.profit_and_loss_chart([])))
    assert "No invoices yet" in texts(parse(charts.paid_split_chart(PaidSplit())))


def test_aging_has_the_five_buckets_in_order() -> None:
    aging = Aging(
        current=Decimal("500"),
        days_1_30=Decimal("250"),
        days_31_60=Decimal("125"),
        days_61_90=Decimal("0"),
        over_90=Decimal("1000"),
        total=Decimal("1875"),
    )
    root = parse(charts.aging_chart(aging))
    labels = [g.get("data-label") for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert labels == ["Current", "1-30 days", "31-60 days", "61-90 days", "90+ days"]
    heights = [float(r.attrib["height"]) for r in rects(root)]
    assert heights[0] == pytest.approx(heights[4] / 2, abs=0.2)
    assert heights[1] == pytest.approx(heights[4] / 4, abs=0.2)


def test_profit_and_loss_has_income_and_expense_bars_and_a_net_point_per_month() -> None:
    months = [
        MonthResult(label="Sep", income=Decimal(1000), expenses=Decimal(400), net=Decimal(600)),
        MonthResult(label="Oct", income=Decimal(500), expenses=Decimal(900), net=Decimal(-400)),
    ]
    root = parse(charts.profit_and_loss_chart(months))
    bars = {
        (g.get("class"), g.find(f"{SVG}rect").get("data-value"))  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("bar ")
    }
    assert bars == {
        ("bar income", "1000.00"),
        ("bar expenses", "400.00"),
        ("bar income", "500.00"),
        ("bar expenses", "900.00"),
    }
    points = [c.get("data-value") for c in root.iter(f"{SVG}circle")]
    assert points == ["600.00", "-400.00"]
    [line] = root.iter(f"{SVG}polyline")
    assert len(line.attrib["points"].split()) == 2
    first, second = root.iter(f"{SVG}circle")
    assert float(second.attrib["cy"]) > float(first.attrib["cy"])  # a loss sits lower


def test_paid_vs_outstanding_split_in_proportion_to_the_amounts() -> None:
    split = PaidSplit(
        paid_count=3,
        paid_amount=Decimal("750"),
        outstanding_count=1,
        outstanding_amount=Decimal("250"),
        overdue_count=1,
        overdue_amount=Decimal("250"),
    )
    root = parse(charts.paid_split_chart(split))
    paid, outstanding = rects(root)
    assert (paid.get("data-value"), paid.get("data-count")) == ("750.00", "3")
    assert (outstanding.get("data-value"), outstanding.get("data-count")) == ("250.00", "1")
    assert float(paid.attrib["width"]) == pytest.approx(3 * float(outstanding.attrib["width"]))
    assert "Paid: 3 invoices, 750.00" in texts(root)
    assert "of which overdue: 1 invoice, 250.00" in texts(root)


def test_text_from_xero_is_escaped() -> None:
    svg = charts.bank_balances_chart([balance('<script>alert("x")</script> & Co', "10")])
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    assert '<script>alert("x")</script> & Co' in texts(root)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0], (0.0, 1.0, 0.25)),
        ([3000, 1500.5], (0.0, 3000.0, 1000.0)),
        ([1000, -250], (-500.0, 1000.0, 500.0)),
        ([-80], (-80.0, 0.0, 20.0)),
    ],
)
def test_the_axis_includes_zero_on_round_steps(
    values: list[float], expected: tuple[float, float, float]
) -> None:
    assert charts.scale(values) == expected


def test_a_year_of_months_widens_the_chart_and_zero_months_are_not_written_out() -> None:
    months = [
        MonthResult(label=f"28 {m} 2026", income=Decimal(0), expenses=Decimal(0), net=Decimal(0))
        for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov")
    ] + [MonthResult(label="31 Dec 26", income=Decimal(900), expenses=Decimal(0), net=Decimal(900))]
    root = parse(charts.profit_and_loss_chart(months))
    assert float(root.attrib["viewBox"].split()[2]) > charts.WIDTH
    written = texts(root)
    assert "Jan 26" in written
    assert "Dec 26" in written
    assert "900.00" in written  # the net
    assert "0.00" not in written
    assert len([r for r in rects(root) if r.get("data-value") == "0.00"]) == 23  # still drawn
