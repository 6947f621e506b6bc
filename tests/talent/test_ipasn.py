"""The Indeks Profesionalitas ASN: every education level, training by jenis jabatan, SKP band and
sanction, the points traced to their evidence, the categories, and the advice."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from app.core.i18n import localise
from app.rules.defaults import DEFAULT_IP_ASN_RULES
from app.rules.talent import IpAsnRules
from app.talent.ipasn import Facts, LearningFact, PerformanceFact, SanctionFact, ip_asn

RULES = IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES)
YEAR = 2026


def record(record_id: int, form: str, jp: str, on: date = date(YEAR, 5, 1)) -> LearningFact:
    return LearningFact(record_id=record_id, form_code=form, jp=Decimal(jp), end_date=on)


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {"year": YEAR, "education_level": "S1", "jenis_jabatan": "pelaksana"}
    return Facts(**(base | changes))  # type: ignore[arg-type]


def dimension(result: object, code: str) -> object:
    return next(d for d in result.dimensions if d.code == code)  # type: ignore[attr-defined]


class TestKualifikasi:
    @pytest.mark.parametrize(
        ("level", "points"),
        [
            ("S3", 25),
            ("S2", 20),
            ("S1", 15),
            ("D4", 15),
            ("D3", 10),
            ("D2", 5),
            ("D1", 5),
            ("SMA", 5),
            ("SMP", 1),
            ("SD", 1),
            (None, 0),
        ],
    )
    def test_each_education_level(self, level: str | None, points: int) -> None:
        result = ip_asn(facts(education_level=level), RULES)
        kualifikasi = dimension(result, "kualifikasi")
        assert kualifikasi.score == points  # type: ignore[attr-defined]
        assert kualifikasi.indicators[0].evidence == {"education_level": level}  # type: ignore[attr-defined]

    def test_advice_names_the_next_step(self) -> None:
        advice = {a.indicator: a for a in ip_asn(facts(education_level="D3"), RULES).how_to_improve}
        assert advice["education"].points == 5  # D3 10 → S1/D4 15
        assert "education" not in {
            a.indicator for a in ip_asn(facts(education_level="S3"), RULES).how_to_improve
        }
        unknown = {a.indicator: a for a in ip_asn(facts(education_level=None), RULES).how_to_improve}
        assert localise(unknown["education"].action, "id").startswith("Catat")


class TestKompetensi:
    def test_structural_position_counts_leadership_training_of_any_year(self) -> None:
        result = ip_asn(
            facts(jenis_jabatan="administrator", learning=[record(7, "1", "40", date(2019, 3, 1))]), RULES
        )
        kompetensi = dimension(result, "kompetensi")
        codes = {i.code: i for i in kompetensi.indicators}  # type: ignore[attr-defined]
        assert set(codes) == {"leadership", "technical", "seminar"}
        assert codes["leadership"].points == 15 and codes["leadership"].evidence["learning_record_ids"] == [7]

    def test_a_jf_counts_functional_training_not_leadership(self) -> None:
        learning = [record(1, "1", "40"), record(2, "2", "30")]
        kompetensi = dimension(
            ip_asn(facts(jenis_jabatan="fungsional", learning=learning), RULES), "kompetensi"
        )
        codes = {i.code: i for i in kompetensi.indicators}  # type: ignore[attr-defined]
        assert set(codes) == {"functional", "technical", "seminar"}
        assert codes["functional"].points == 15 and codes["functional"].evidence["learning_record_ids"] == [2]

    def test_a_pelaksana_has_neither(self) -> None:
        kompetensi = dimension(ip_asn(facts(learning=[record(1, "1", "40")]), RULES), "kompetensi")
        assert {i.code for i in kompetensi.indicators} == {"technical", "seminar"}  # type: ignore[attr-defined]
        assert kompetensi.score == 0  # type: ignore[attr-defined]

    @pytest.mark.parametrize(("jp", "points"), [("19.99", 0), ("20", 15), ("32", 15)])
    def test_technical_training_needs_20_jp_in_the_year(self, jp: str, points: int) -> None:
        learning = [record(1, "3", "10"), record(2, "8", str(Decimal(jp) - 10))]
        kompetensi = dimension(ip_asn(facts(learning=learning), RULES), "kompetensi")
        technical = next(i for i in kompetensi.indicators if i.code == "technical")  # type: ignore[attr-defined]
        assert technical.points == points
        assert technical.evidence["learning_record_ids"] == [1, 2] and technical.evidence["jp"] == Decimal(jp)

    def test_last_years_technical_training_does_not_count(self) -> None:
        learning = [record(1, "3", "40", date(YEAR - 1, 12, 31))]
        assert dimension(ip_asn(facts(learning=learning), RULES), "kompetensi").score == 0  # type: ignore[attr-defined]

    def test_a_seminar_this_year(self) -> None:
        kompetensi = dimension(ip_asn(facts(learning=[record(3, "9", "2")]), RULES), "kompetensi")
        assert kompetensi.score == 5  # type: ignore[attr-defined]

    def test_all_of_it_is_capped_at_the_dimensions_max(self) -> None:
        own = copy.deepcopy(DEFAULT_IP_ASN_RULES)
        own["kompetensi"]["max"] = 30
        learning = [record(1, "1", "40"), record(2, "3", "24"), record(3, "9", "2")]
        result = ip_asn(facts(jenis_jabatan="pengawas", learning=learning), IpAsnRules.model_validate(own))
        assert dimension(result, "kompetensi").score == 30  # type: ignore[attr-defined]

    def test_advice_for_technical_training_says_how_many_jp(self) -> None:
        advice = {a.indicator: a for a in ip_asn(facts(learning=[record(1, "3", "8")]), RULES).how_to_improve}
        assert advice["technical"].points == 15
        assert localise(advice["technical"].action, "en") == "Take 12 JP more of technical training this year"


class TestKinerja:
    @pytest.mark.parametrize(
        ("score", "points"),
        [
            ("100", 30),
            ("91", 30),
            ("90.99", 25),
            ("76", 25),
            ("75.99", 15),
            ("61", 15),
            ("60.99", 5),
            ("51", 5),
            ("50.99", 1),
            ("0", 1),
        ],
    )
    def test_each_score_band(self, score: str, points: int) -> None:
        skp = PerformanceFact(year=YEAR, predikat="baik", score=Decimal(score))
        kinerja = dimension(ip_asn(facts(performance=skp), RULES), "kinerja")
        assert kinerja.score == points  # type: ignore[attr-defined]
        assert kinerja.indicators[0].evidence == {"year": YEAR, "predikat": "baik", "score": Decimal(score)}  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("predikat", "points"),
        [("sangat_baik", 30), ("baik", 25), ("butuh_perbaikan", 15), ("kurang", 5), ("sangat_kurang", 1)],
    )
    def test_the_predikat_when_there_is_no_score(self, predikat: str, points: int) -> None:
        skp = PerformanceFact(year=YEAR, predikat=predikat, score=None)  # type: ignore[arg-type]
        assert dimension(ip_asn(facts(performance=skp), RULES), "kinerja").score == points  # type: ignore[attr-defined]

    def test_no_skp_scores_nothing_and_says_so(self) -> None:
        result = ip_asn(facts(), RULES)
        assert dimension(result, "kinerja").score == 0  # type: ignore[attr-defined]
        assert next(a for a in result.how_to_improve if a.indicator == "skp").points == 30


class TestDisiplin:
    @pytest.mark.parametrize(
        ("levels", "points", "worst"),
        [
            ([], 5, None),
            (["ringan"], 3, "ringan"),
            (["sedang"], 1, "sedang"),
            (["berat"], 0, "berat"),
            (["ringan", "berat", "sedang"], 0, "berat"),
        ],
    )
    def test_the_worst_sanction_in_force(self, levels: list[str], points: int, worst: str | None) -> None:
        sanctions = [SanctionFact(n, level, date(YEAR, 1, 1), None) for n, level in enumerate(levels, 1)]
        disiplin = dimension(ip_asn(facts(sanctions=sanctions), RULES), "disiplin")
        assert disiplin.score == points  # type: ignore[attr-defined]
        evidence = disiplin.indicators[0].evidence  # type: ignore[attr-defined]
        assert evidence == {"level": worst, "disciplinary_record_ids": list(range(1, len(levels) + 1))}


class TestTotalAndCategory:
    @pytest.mark.parametrize(
        ("education", "score", "category", "total"),
        [
            ("S3", "91", "Sangat Tinggi", 25 + 35 + 30 + 5),
            ("S1", "91", "Tinggi", 15 + 35 + 30 + 5),
            ("D3", "80", "Sedang", 10 + 35 + 25 + 5),
            ("SMA", "80", "Rendah", 5 + 35 + 25 + 5),
            ("SD", "70", "Sangat Rendah", 1 + 35 + 15 + 5),
        ],
    )
    def test_categories(self, education: str, score: str, category: str, total: int) -> None:
        learning = [record(1, "1", "40"), record(2, "3", "24"), record(3, "9", "2")]
        skp = PerformanceFact(year=YEAR, predikat="baik", score=Decimal(score))
        result = ip_asn(
            facts(education_level=education, jenis_jabatan="pengawas", learning=learning, performance=skp),
            RULES,
        )
        assert (result.total, result.category) == (total, category)
        assert [d.code for d in result.dimensions] == ["kualifikasi", "kompetensi", "kinerja", "disiplin"]
        assert [d.max for d in result.dimensions] == [25, 40, 30, 5]

    def test_advice_is_ordered_by_the_points_it_would_add(self) -> None:
        result = ip_asn(facts(education_level="S2", jenis_jabatan="fungsional"), RULES)
        points = [a.points for a in result.how_to_improve]
        assert points == sorted(points, reverse=True)
        assert [a.indicator for a in result.how_to_improve][:1] == ["skp"]
        assert {a.indicator for a in result.how_to_improve} == {
            "skp",
            "functional",
            "technical",
            "seminar",
            "education",
        }
