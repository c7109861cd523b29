"""Schemathesis over the committed OpenAPI document, in-process against the WSGI app: every
operation, as a caseworker, a BUP clinician and no one, with generated input that fits the
document and input that does not. A response is a failure when it is a 5xx, a status the
document does not name for the operation, or a body its schema does not describe.

`tests/test_api_fuzz.py` runs it seeded and small in `./dev test`; `samsyn fuzz` runs it longer.
Both make a small county with the test factories (`county`), so that ids hit real rows, inside a
transaction that is rolled back: the run leaves nothing behind. A dev tool: schemathesis and
factory_boy are dev dependencies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as seed_of
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis import checks as all_checks

from samsyn.api.identities import caseworker, client_child, clinician
from samsyn.api.spec import COMMITTED

CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


@dataclass
class County:
    """Who calls and which rows exist: `tokens` by identity (None: no token), `ids` by the
    name of a path parameter (`child_id`, `case_id` …) to an id of a real row."""

    tokens: dict[str, str | None]
    ids: dict[str, int]


@dataclass
class Outcome:
    """One operation's run: how many requests, per status, and each distinct failure once."""

    operation: str
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seen: set[tuple[str, int, str]] = field(default_factory=set, repr=False)


@contextmanager
def _quiet() -> Iterator[None]:
    """Thousands of refusals are the point of the run, not news: only 5xx are logged."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@contextmanager
def _same_connection() -> Iterator[None]:
    """Django closes a connection that is inside a transaction at the start and end of each
    request; the run's county and its requests share one transaction, as in Django's own test
    client, which disconnects the same two receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run(
    county: County,
    *,
    examples: int,
    seed: int,
    progress: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Every operation of the document, `examples` generated requests per operation, identity
    and mode (fitting the document, or not), about half of them on real rows where the path
    names them. Deterministic for a seed."""
    checks = [getattr(all_checks, name) for name in CHECK_NAMES]
    schema = schemathesis.openapi.from_dict(json.loads(COMMITTED.read_text(encoding="utf-8")))
    schema.app = WSGIHandler()
    budget = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    outcomes = []
    with _same_connection(), _quiet():
        for result in schema.get_all_operations():
            operation = result.ok()
            outcome = Outcome(f"{operation.method.upper()} {operation.path}")
            real = {
                p.name: county.ids[p.name]
                for p in operation.path_parameters
                if p.name in county.ids
            }
            for identity, token in county.tokens.items():
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    strategies = [operation.as_strategy(mode)]
                    if real:
                        strategies.append(operation.as_strategy(mode, path_parameters=real))
                    calls = _calls(outcome, identity, token, checks)
                    seed_of(seed)(budget(given(case=st.one_of(strategies))(calls)))()
            outcomes.append(outcome)
            progress(outcome)
    return outcomes


def _calls(outcome: Outcome, identity: str, token: str | None, checks: list) -> Callable:
    """One generated case: called as `identity`, its answer counted and checked; each kind of
    failure kept once per identity and status, with a curl line to repeat it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(case: Any) -> None:
        # An Authorization header the generator made up would be another identity. A made-up
        # session cookie stays: it is what an outsider would send (a 403 for the missing CSRF
        # token on an unsafe method, a 401 otherwise).
        case.headers = {
            k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"
        }
        response = case.call(headers=headers)
        outcome.requests += 1
        outcome.statuses[response.status_code] = outcome.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (AssertionError, BaseExceptionGroup) as error:
            found = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
            for failure in found:
                title = getattr(failure, "title", type(failure).__name__)
                key = (identity, response.status_code, title)
                if key not in outcome.seen:
                    outcome.seen.add(key)
                    message = " ".join(str(getattr(failure, "message", failure)).split())[:400]
                    outcome.failures.append(
                        f"[{identity}] {response.status_code} {title}: {message}\n"
                        f"    {case.as_curl_command(headers=headers)}"
                    )

    return call


def county() -> County:
    """A small county made with the test factories: a social-services caseworker with a child,
    a BUP clinician whose unit is a party to the child's SIP (drafted, with a consent and a
    handover), a report of concern and an investigation, a consultation, a referral, an
    assessment and an admission with its notice and task — one row of each kind a path names."""
    from samsyn.accounts import token_services
    from samsyn.assessment.tests.factories import AssessmentFactory, VersionFactory
    from samsyn.concerns.tests.factories import InvestigationFactory, ReportFactory
    from samsyn.consent.models import Consent
    from samsyn.consultations.tests.factories import ConsultationFactory
    from samsyn.directory.models import Principal
    from samsyn.directory.tests.factories import PrincipalFactory, actor_of
    from samsyn.discharge.tests.factories import (
        AdmissionFactory,
        NoticeFactory,
        PlanningTaskFactory,
    )
    from samsyn.plans.tests.factories import CaseFactory, HandoverFactory
    from samsyn.referrals.tests.factories import ReferralFactory

    kommun = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)
    social = caseworker(kommun)
    social_organisation = social.unit.organisation
    bup = clinician()
    bup_organisation = bup.unit.organisation
    child = client_child(social, kommun)
    case = CaseFactory(
        drafted=True,
        child=child,
        initiated_by=social.staff,
        initiating_organisation=social_organisation,
        receiving_unit=bup.unit,
    )
    handover = HandoverFactory(case=case, to_staff=bup.staff, to_organisation=bup_organisation)
    report = ReportFactory(child=child)
    investigation = InvestigationFactory(
        child=child, organisation=social_organisation, unit=social.unit, opened_by=social.staff
    )
    consultation = ConsultationFactory(consulted_unit=bup.unit)
    referral = ReferralFactory(child=child, from_unit=social.unit, to_unit=bup.unit)
    assessment = AssessmentFactory(child=child, unit=social.unit, created_by=social.staff)
    VersionFactory(assessment=assessment)
    admission = AdmissionFactory(child=child, unit=bup.unit, created_by=bup.staff)
    notice = NoticeFactory(admission=admission, to_unit=social.unit)
    task = PlanningTaskFactory(admission=admission, unit=social.unit)

    def token(membership) -> str:
        return token_services.create_token(actor=actor_of(membership), name="fuzz", days=1)[1]

    return County(
        tokens={"caseworker": token(social), "clinician": token(bup), "none": None},
        ids={
            "child_id": child.pk,
            "organisation_id": bup_organisation.pk,
            "case_id": case.pk,
            "consent_id": Consent.objects.filter(child=child).first().pk,
            "handover_id": handover.pk,
            "number": 1,
            "report_id": report.pk,
            "investigation_id": investigation.pk,
            "consultation_id": consultation.pk,
            "referral_id": referral.pk,
            "assessment_id": assessment.pk,
            "admission_id": admission.pk,
            "notice_id": notice.pk,
            "task_id": task.pk,
        },
    )
