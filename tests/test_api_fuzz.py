"""Issue 13 point 5: schemathesis over the whole OpenAPI document as a caseworker, a BUP
clinician and no one, in-process — 0 5xx, 0 undocumented statuses, 0 bodies outside their
schema. Seeded and small, to fit the suite's time; `samsyn fuzz` is the longer run."""

from __future__ import annotations

import json

import pytest

from samsyn.api import fuzz
from samsyn.api.spec import COMMITTED

# Per operation, identity and mode (fitting the document or not): 80 operations × 3 × 2 × 2,
# about 960 requests, ~2 minutes on a loaded two-core machine.
EXAMPLES = 2
SEED = 13


@pytest.mark.django_db
def test_the_api_answers_only_what_its_openapi_document_says():
    outcomes = fuzz.run(fuzz.county(), examples=EXAMPLES, seed=SEED)
    failures = [f"{o.operation}\n  {failure}" for o in outcomes for failure in o.failures]
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert len(outcomes) == sum(len(methods) for methods in document["paths"].values())
    assert all(o.requests for o in outcomes)
    assert failures == [], "\n".join(failures)
