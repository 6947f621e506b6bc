"""JP of one record under the year's rules (docs/domain.md, Learning hours)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.core.types import round_jp
from app.rules.schemas import FormRule, RuleSetBody


def form_rule(rules: RuleSetBody, form_code: str) -> FormRule | None:
    for rule in rules.form_rules:
        if rule.form_code == form_code:
            return rule
    return None


def record_jp(
    rules: RuleSetBody,
    *,
    form_code: str,
    jp: Decimal | None,
    duration_minutes: int | None,
    start_date: date,
    end_date: date,
) -> Decimal:
    """`fixed_jp` if set, else (jp or minutes / jp_minutes) × jp_factor, capped per day, half-up to 2 places.

    Every path that stores a record (REST, spreadsheet import, xAPI, attendance) comes here, so none
    stores more than its days can hold.
    """
    days = (end_date - start_date).days + 1
    year_cap = Decimal(rules.max_jp_per_day) * days
    rule = form_rule(rules, form_code)
    # A fixed JP replaces the form's own conversion and cap, but not what a day physically holds.
    if rule is not None and rule.fixed_jp is not None:
        return round_jp(min(Decimal(rule.fixed_jp), year_cap))
    if jp is not None:
        base = Decimal(jp)
    elif duration_minutes is not None:
        base = Decimal(duration_minutes) / Decimal(rules.jp_minutes)
    else:
        raise ValueError("a record needs jp or duration_minutes")
    if rule is not None and rule.jp_factor is not None:
        base *= Decimal(rule.jp_factor)
    # Both caps bound the same thing, so the stricter wins: a form rule may tighten the year-wide
    # cap (e-learning 3 JP a day) but never loosen it past a day's length.
    cap = year_cap
    if rule is not None and rule.max_jp_per_day is not None:
        cap = min(cap, Decimal(rule.max_jp_per_day) * days)
    return round_jp(min(base, cap))


def yearly_caps(rules: RuleSetBody) -> dict[str, Decimal]:
    """Form code → the most JP that form may add to one ASN's year (`max_jp_per_year`)."""
    return {
        r.form_code: Decimal(r.max_jp_per_year) for r in rules.form_rules if r.max_jp_per_year is not None
    }


def capped_total(by_form: dict[str, Decimal], caps: dict[str, Decimal]) -> Decimal:
    return sum((min(jp, caps[form]) if form in caps else jp for form, jp in by_form.items()), Decimal("0"))
