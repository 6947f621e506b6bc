"""The year's rules for talent mapping (the 9-box) and the Indeks Profesionalitas ASN (docs/domain.md).

Every mapping, weight, cut-off, label, pool box, recommendation and point value is data of the year's
rule set, with the defaults of docs/domain.md (app/rules/defaults.py); the code only applies them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from app.core.decimals import PlainDecimal, TitledByDirection
from app.core.i18n import msg
from app.core.types import JsonDecimal

Predikat = Literal["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]
Kinerja = Literal["di_bawah", "sesuai", "di_atas"]
Potensial = Literal["rendah", "menengah", "tinggi"]
SanctionLevel = Literal["ringan", "sedang", "berat"]
PREDIKAT: tuple[Predikat, ...] = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
KINERJA: tuple[Kinerja, ...] = ("di_bawah", "sesuai", "di_atas")
POTENSIAL: tuple[Potensial, ...] = ("rendah", "menengah", "tinggi")

Score = Annotated[JsonDecimal, Field(ge=0, le=100, max_digits=5, decimal_places=2), PlainDecimal()]
Weight = Annotated[JsonDecimal, Field(ge=0, le=1, max_digits=5, decimal_places=4), PlainDecimal()]
Points = Annotated[int, Field(ge=0, le=100)]
FormCode = Annotated[str, Field(min_length=1, max_length=4)]


class PotensialWeights(TitledByDirection):
    """Potensial score = jpm × JPM + potential_score × the assessed potential score (weights sum to 1)."""

    model_config = ConfigDict(extra="forbid")

    jpm: Weight
    potential_score: Weight

    @model_validator(mode="after")
    def _sum_to_one(self) -> PotensialWeights:
        if self.jpm + self.potential_score != Decimal(1):
            raise ValueError(msg("the potensial weights must add up to 1"))
        return self


class PotensialCutoffs(TitledByDirection):
    """tinggi from `tinggi` up, menengah from `menengah` up, rendah below."""

    model_config = ConfigDict(extra="forbid")

    tinggi: Score
    menengah: Score

    @model_validator(mode="after")
    def _ordered(self) -> PotensialCutoffs:
        if self.menengah >= self.tinggi:
            raise ValueError(msg("the menengah cut-off must be below the tinggi cut-off"))
        return self


class TalentBox(TitledByDirection):
    """One box of the 9-box: where a kinerja and a potensial meet, its label and what to do next."""

    model_config = ConfigDict(extra="forbid")

    box: int = Field(ge=1, le=9)
    kinerja: Kinerja
    potensial: Potensial
    label: str = Field(min_length=1, max_length=120)
    recommendation: str = Field(min_length=1, max_length=500)


class TalentRules(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    kinerja_by_predikat: dict[Predikat, Kinerja] = Field(
        description="The SKP predikat's kinerja (PermenPAN-RB 6/2022); every predikat once"
    )
    potensial_weights: PotensialWeights
    potensial_cutoffs: PotensialCutoffs
    boxes: list[TalentBox] = Field(min_length=9, max_length=9)
    pool_boxes: list[int] = Field(min_length=1, max_length=9, description="The boxes of the talent pool")
    visible_to_asn: bool = Field(default=False, description="Whether an ASN may read their own box")

    @model_validator(mode="after")
    def _complete(self) -> TalentRules:
        if set(self.kinerja_by_predikat) != set(PREDIKAT):
            raise ValueError(msg("kinerja_by_predikat must map every predikat"))
        if sorted(b.box for b in self.boxes) != list(range(1, 10)):
            raise ValueError(msg("boxes must list boxes 1 to 9 once each"))
        if len({(b.kinerja, b.potensial) for b in self.boxes}) != 9:
            raise ValueError(msg("each kinerja and potensial pair must have exactly one box"))
        if len(set(self.pool_boxes)) != len(self.pool_boxes) or not set(self.pool_boxes) <= set(range(1, 10)):
            raise ValueError(msg("pool_boxes must name boxes 1 to 9, each at most once"))
        return self


class TrainingIndicator(TitledByDirection):
    """Points for learning of these forms in the year (and at least `min_jp` JP of them, when set)."""

    model_config = ConfigDict(extra="forbid")

    forms: list[FormCode] = Field(min_length=1, max_length=30)
    points: Points
    min_jp: (
        Annotated[JsonDecimal, Field(ge=0, le=2000, max_digits=7, decimal_places=2), PlainDecimal()] | None
    ) = None


class KompetensiRules(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    leadership: TrainingIndicator = Field(description="Structural positions: leadership training (PIM)")
    functional: TrainingIndicator = Field(description="Jabatan fungsional: functional training")
    technical: TrainingIndicator
    seminar: TrainingIndicator
    max: Points


class ScoreBand(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    min: Score
    points: Points


class CategoryBand(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=60)
    min: Score


def _descending(mins: list[Decimal], what: str) -> None:
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise ValueError(msg("{what} must be ordered from the highest min down, without repeats", what=what))
    if mins[-1] != Decimal(0):
        raise ValueError(msg("the last {what} entry must have min 0", what=what))


class IpAsnRules(TitledByDirection):
    """Points of the BKN measurement form (PermenPAN-RB 38/2018, Peraturan BKN 8/2019)."""

    model_config = ConfigDict(extra="forbid")

    kualifikasi: dict[str, Points] = Field(description="Points by highest education level code")
    kualifikasi_max: Points
    kompetensi: KompetensiRules
    kinerja_score_bands: list[ScoreBand] = Field(min_length=1, max_length=10)
    kinerja_by_predikat: dict[Predikat, Points]
    kinerja_max: Points
    disiplin: dict[Literal["none", "ringan", "sedang", "berat"], Points]
    disiplin_max: Points
    categories: list[CategoryBand] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> IpAsnRules:
        _descending([b.min for b in self.kinerja_score_bands], "kinerja_score_bands")
        _descending([b.min for b in self.categories], "categories")
        if set(self.kinerja_by_predikat) != set(PREDIKAT):
            raise ValueError(msg("kinerja_by_predikat must give points for every predikat"))
        if set(self.disiplin) != {"none", "ringan", "sedang", "berat"}:
            raise ValueError(msg("disiplin must give points for none, ringan, sedang and berat"))
        return self
