"""The 9-box placement: every predikat, every potensial cut-off, every box, and missing inputs."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from app.rules.defaults import DEFAULT_TALENT_RULES
from app.rules.talent import TalentRules
from app.talent.ninebox import JPM, PERFORMANCE, POTENTIAL_ASSESSMENT, place

RULES = TalentRules.model_validate(DEFAULT_TALENT_RULES)


class TestKinerja:
    @pytest.mark.parametrize(
        ("predikat", "kinerja"),
        [
            ("sangat_baik", "di_atas"),
            ("baik", "sesuai"),
            ("butuh_perbaikan", "di_bawah"),
            ("kurang", "di_bawah"),
            ("sangat_kurang", "di_bawah"),
        ],
    )
    def test_each_predikat(self, predikat: str, kinerja: str) -> None:
        placed = place(predikat, Decimal(90), Decimal(90), RULES)  # type: ignore[arg-type]
        assert placed.kinerja == kinerja


class TestPotensial:
    @pytest.mark.parametrize(
        ("jpm", "score", "potensial", "combined"),
        [
            ("80", "80", "tinggi", "80.00"),  # exactly the tinggi cut-off
            ("80", "79.98", "menengah", "79.99"),  # a hundredth below it
            ("100", "60", "tinggi", "80.00"),
            ("65", "65", "menengah", "65.00"),  # exactly the menengah cut-off
            ("65", "64.98", "rendah", "64.99"),
            ("0", "0", "rendah", "0.00"),
            ("100", "100", "tinggi", "100.00"),
        ],
    )
    def test_weights_and_cut_offs(self, jpm: str, score: str, potensial: str, combined: str) -> None:
        placed = place("baik", Decimal(jpm), Decimal(score), RULES)
        assert (placed.potensial, str(placed.potensial_score)) == (potensial, combined)

    def test_the_years_own_weights_and_cut_offs(self) -> None:
        own = copy.deepcopy(DEFAULT_TALENT_RULES)
        own["potensial_weights"] = {"jpm": "0.3", "potential_score": "0.7"}
        own["potensial_cutoffs"] = {"tinggi": "90", "menengah": "50"}
        rules = TalentRules.model_validate(own)
        placed = place("baik", Decimal(100), Decimal(80), rules)  # 30 + 56 = 86
        assert (placed.potensial, placed.potensial_score) == ("menengah", Decimal("86.00"))


class TestBoxes:
    @pytest.mark.parametrize(
        ("predikat", "score", "box", "pool"),
        [
            ("kurang", "50", 1, False),
            ("baik", "50", 2, False),
            ("butuh_perbaikan", "70", 3, False),
            ("sangat_baik", "50", 4, False),
            ("baik", "70", 5, False),
            ("sangat_kurang", "90", 6, False),
            ("sangat_baik", "70", 7, True),
            ("baik", "90", 8, True),
            ("sangat_baik", "90", 9, True),
        ],
    )
    def test_every_box_and_the_pool(self, predikat: str, score: str, box: int, pool: bool) -> None:
        placed = place(predikat, Decimal(score), Decimal(score), RULES)  # type: ignore[arg-type]
        assert placed.box is not None
        assert (placed.box.box, placed.in_talent_pool, placed.missing) == (box, pool, [])
        assert placed.box.label and placed.box.recommendation

    def test_the_years_own_pool(self) -> None:
        own = copy.deepcopy(DEFAULT_TALENT_RULES) | {"pool_boxes": [9]}
        rules = TalentRules.model_validate(own)
        assert not place("baik", Decimal(90), Decimal(90), rules).in_talent_pool
        assert place("sangat_baik", Decimal(90), Decimal(90), rules).in_talent_pool


class TestMissing:
    @pytest.mark.parametrize(
        ("predikat", "jpm", "score", "missing"),
        [
            (None, "90", "90", [PERFORMANCE]),
            ("baik", None, "90", [JPM]),
            ("baik", "90", None, [POTENTIAL_ASSESSMENT]),
            (None, None, None, [PERFORMANCE, JPM, POTENTIAL_ASSESSMENT]),
        ],
    )
    def test_nothing_is_guessed(
        self, predikat: str | None, jpm: str | None, score: str | None, missing: list[str]
    ) -> None:
        placed = place(
            predikat,  # type: ignore[arg-type]
            None if jpm is None else Decimal(jpm),
            None if score is None else Decimal(score),
            RULES,
        )
        assert placed.box is None and not placed.in_talent_pool
        assert placed.missing == missing
        assert (placed.kinerja is None) == (predikat is None)
        assert (placed.potensial is None) == (jpm is None or score is None)
