"""The demo county's assessments (issue 9, item 4; DOMAIN BBIC-1, RSF-1): Socialstyrelsen's BBIC
licence for six of the twelve municipalities — Örebro among them, Kumla not, so the demo's two
caseworkers show both the triangle and the risk and protective factors alone — and one or two
versions of an assessment for about a fifth of the children that a social services unit has as
clients, more for the demo caseworker's unit.

Written straight to the models after the SIPs, from the rows already in the database: a bulk
load, not a person's act, so no service and no audit row. Drawn from a random generator of its
own seeded from the county's seed, so the rest of the county stays as it was; dates count back
from the day the county is built.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.assessment.models import (
    AreaRating,
    Assessment,
    AssessmentVersion,
    BbicLicence,
    Factor,
    RatingLevel,
)
from samsyn.assessment.triangle import AREAS
from samsyn.children.models import Involvement
from samsyn.directory.models import Membership, Organisation, Principal, Role

# The licensed municipalities, by code, with the year of the licence.
LICENSED = {"1880": 2012, "1883": 2014, "1885": 2015, "1861": 2016, "1882": 2018, "1814": 2019}
DEMO_UNIT = ("1880", "Barn och unga – utredning")
SHARE = 0.2
# The demo caseworker's unit: this many of its clients have an assessment at least.
DEMO_UNIT_AT_LEAST = 6

RISKS = (
    "Hög skolfrånvaro", "Konflikter mellan föräldrarna", "Förälder med missbruk",
    "Psykisk ohälsa hos förälder", "Våld i hemmet", "Trångboddhet", "Ekonomisk utsatthet",
    "Normbrytande beteende", "Social isolering", "Kamrater med normbrytande beteende",
)  # fmt: skip
PROTECTIVE = (
    "Stöttande mor- eller farförälder", "Trygg relation till en lärare", "Fritidsaktivitet",
    "God kontakt med skolans elevhälsa", "Förälder som tar emot stöd", "Goda kamratrelationer",
    "Barnet trivs i skolan", "Stabilt boende",
)  # fmt: skip
VIEWS = (
    "Jag vill bo kvar hemma men vill att det ska bli lugnare.",
    "Det är jobbigt i skolan, men jag gillar min mentor.",
    "Jag vill träffa pappa oftare.",
    "Jag vet inte riktigt. Det är bättre nu än förut.",
)
NOT_HEARD = "Barnet är för litet för ett samtal; observation vid hembesök."
DESCRIPTIONS = {
    1: "Stora brister som behöver åtgärdas.",
    2: "Vissa brister; stöd behövs.",
    3: "Små brister som familjen själv hanterar.",
    4: "Inga brister noterade.",
}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def write_assessments(seed: int, progress: Callable[[str], None]) -> None:
    rng = random.Random(f"{seed}/assessments")
    today = timezone.localdate()
    municipalities = Principal.objects.filter(
        kind=Principal.Kind.MUNICIPALITY, code__in=LICENSED
    ).order_by("code")
    BbicLicence.objects.bulk_create(
        BbicLicence(
            municipality=m, licensed_on=date(LICENSED[m.code], 1, 1),
            reference=f"Socialstyrelsen, licensavtal BBIC {LICENSED[m.code]}-{m.code}",
        )
        for m in municipalities
    )  # fmt: skip
    licensed = {m.pk for m in municipalities}
    caseworkers = dict(
        Membership.objects.filter(
            role=Role.CASEWORKER, active=True,
            unit__organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        ).order_by("-pk").values_list("unit_id", "staff_id")
    )  # fmt: skip
    involvements = (
        Involvement.objects.filter(
            ended_on__isnull=True, unit__organisation__kind=Organisation.Kind.SOCIAL_SERVICES
        )
        .order_by("pk")
        .values_list(
            "child_id", "unit_id", "staff_id", "unit__organisation_id",
            "unit__organisation__principal_id", "unit__organisation__principal__code",
            "unit__name", "started_on",
        )
    )  # fmt: skip
    levels = dict(RatingLevel.objects.values_list("value", "pk"))
    chosen, seen, demo_unit = [], set(), 0
    for row in involvements:
        child, unit, staff, organisation, principal, code, unit_name, started = row
        staff = staff or caseworkers.get(unit)
        if staff is None or (child, organisation) in seen:
            continue
        in_demo_unit = (code, unit_name) == DEMO_UNIT
        if rng.random() < SHARE or (in_demo_unit and demo_unit < DEMO_UNIT_AT_LEAST):
            seen.add((child, organisation))
            demo_unit += in_demo_unit
            first_day = max(started, today - timedelta(days=rng.randint(120, 280)))
            chosen.append((child, unit, staff, organisation, principal in licensed, first_day))
    progress(_("Writing %(count)s assessments…") % {"count": len(chosen)})
    assessments = Assessment.objects.bulk_create(
        Assessment(
            child_id=child, unit_id=unit, organisation_id=organisation, created_by_id=staff,
            created_at=_at(first_day),
        )
        for child, unit, staff, organisation, _bbic, first_day in chosen
    )  # fmt: skip
    versions, plans = [], []
    for assessment, (_c, _u, staff, _o, bbic, first_day) in zip(assessments, chosen, strict=True):
        count = rng.choice((1, 2, 2))
        ratings = {area.code: rng.choice((1, 2, 2, 3, 3, 4)) for area in AREAS}
        risks = rng.sample(RISKS, rng.randint(1, 3))
        protective = rng.sample(PROTECTIVE, rng.randint(1, 3))
        for number in range(1, count + 1):
            started = min(today, first_day + timedelta(days=(number - 1) * rng.randint(60, 100)))
            draft = number == count and rng.random() < 0.25
            heard = rng.random() < 0.85
            versions.append(
                AssessmentVersion(
                    assessment=assessment, number=number, bbic=bbic, created_by_id=staff,
                    created_at=_at(started), saved_at=_at(started + timedelta(days=7)),
                    status="draft" if draft else "final",
                    finalised_at=None if draft else _at(started + timedelta(days=14)),
                    finalised_by_id=None if draft else staff,
                    child_heard=heard, child_view=rng.choice(VIEWS) if heard else "",
                    child_not_heard_reason="" if heard else NOT_HEARD,
                    summary="Sammantaget bedöms barnets behov av stöd kvarstå.",
                )
            )  # fmt: skip
            plans.append((dict(ratings), list(risks), list(protective)))
            # The next version: some areas change a step, a risk may go, a protection come.
            for code in rng.sample(list(ratings), 4):
                ratings[code] = min(4, max(1, ratings[code] + rng.choice((-1, 1, 1))))
            if len(risks) > 1 and rng.random() < 0.5:
                risks.pop()
            if rng.random() < 0.5:
                extra = rng.choice(PROTECTIVE)
                if extra not in protective:
                    protective.append(extra)
    AssessmentVersion.objects.bulk_create(versions)
    AreaRating.objects.bulk_create(
        AreaRating(version=v, area=code, level_id=levels[value], description=DESCRIPTIONS[value])
        for v, (ratings, _r, _p) in zip(versions, plans, strict=True)
        if v.bbic
        for code, value in ratings.items()
    )
    Factor.objects.bulk_create(
        [
            Factor(version=v, kind=kind, name=name, position=i)
            for v, (_ratings, risks, protective) in zip(versions, plans, strict=True)
            for kind, names in (("risk", risks), ("protective", protective))
            for i, name in enumerate(names)
        ],
        batch_size=2000,
    )
