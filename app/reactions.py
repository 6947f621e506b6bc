"""Every cross-domain reaction, in one table: when something happens in a lower domain, a higher one
keeps its derived figures in step, in the same transaction.

The lower domain offers a hook list and never imports the higher one; `connect()` fills the lists.
It runs in create_app() and before each CLI command that writes, and any other process that writes
(a worker, a script) calls it first. It is idempotent, and nothing connects at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic

from app.asn import service as asn_service
from app.competencies.standards import service as standards_service
from app.competencies.standards import standings
from app.core import report_cache
from app.core.hooks import H, Hooks
from app.learning import service as learning_service
from app.learning import totals
from app.notifications import events as notification_events
from app.org import service as org_service
from app.rules import service as rules_service
from app.talent.box import placements
from app.talent.ip import scores as ip_scores
from app.years import service as years_service


@dataclass(frozen=True)
class Reaction(Generic[H]):
    when: Hooks[H]
    then: H
    why: str

    def connect(self) -> None:
        self.when.add(self.then)

    @property
    def connected(self) -> bool:
        return self.then in self.when


REACTIONS = (
    Reaction(
        asn_service.after_placement_change,
        standings.follow_placements,
        "an ASN's competency standings and its unit's gap totals follow its position, unit and active flag",
    ),
    Reaction(
        org_service.after_position_created,
        standards_service.default_standard,
        "a new position gets the default competency standard of its jenis jabatan and jenjang",
    ),
    Reaction(
        rules_service.after_rules_change,
        totals.follow_rules,
        "the capped JP year totals follow the yearly caps of the rule set that governs each year",
    ),
    Reaction(
        asn_service.after_placement_change,
        placements.follow_asn,
        "each ASN's 9-box placements carry its current unit and active flag, which the talent map counts by",
    ),
    Reaction(
        standings.after_refresh,
        placements.follow_standings,
        "each ASN's 9-box placements follow their JPM (competency levels, standard, position)",
    ),
    Reaction(
        rules_service.after_rules_change,
        placements.follow_rules,
        "the 9-box placements of the years a changed rule set governs are placed again",
    ),
    Reaction(
        totals.after_change,
        ip_scores.follow_learning,
        "each ASN's stored IP ASN follows its verified learning, in the year and the later ones",
    ),
    Reaction(
        asn_service.after_profile_change,
        ip_scores.follow_profiles,
        "each ASN's stored IP ASN follows its education, employment type, position, unit and active flag",
    ),
    Reaction(
        org_service.after_position_update,
        ip_scores.follow_position,
        "the stored IP ASN of a position's holders follows its jenis jabatan",
    ),
    Reaction(
        rules_service.after_rules_change,
        ip_scores.follow_rules,
        "the stored IP ASN of the years a changed rule set governs is computed again",
    ),
    Reaction(
        learning_service.before_claim,
        years_service.refuse_closed,
        "a new claim for a year whose claims have closed is refused (422 year_closed)",
    ),
    Reaction(
        learning_service.after_decision,
        notification_events.claim_decided,
        "the claimant is told of an approved or rejected claim in the inbox (and by email when rejected)",
    ),
)


def connect() -> None:
    for reaction in REACTIONS:
        reaction.connect()
    # Not a reaction between domains but the same kind of wiring: cached reports follow every commit.
    report_cache.connect()
