"""What the OpenAPI document promises, checked against the code: each finding of the fuzz run
(tests/test_api_fuzz.py) as a focused test."""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import pkgutil
from collections import defaultdict

import pytest
from ninja import Schema

import samsyn.api
from samsyn.api.spec import COMMITTED


def _document() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def _operations():
    for path, methods in _document()["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_schema_of_the_api_has_a_name_of_its_own():
    """The document keeps one component per class name: a second router's `AdmissionOut`
    replaced the first's, so the document described the ward's admissions with the receiving
    side's fields (the fuzz run's schema violations)."""
    modules = defaultdict(list)
    for info in pkgutil.iter_modules(samsyn.api.__path__):
        module = importlib.import_module(f"samsyn.api.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                if issubclass(value, Schema | enum.Enum):
                    modules[name].append(module.__name__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}


def test_every_operation_with_a_body_documents_the_400_for_a_malformed_one():
    missing = [
        name
        for name, operation in _operations()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]
    assert missing == []


@pytest.mark.django_db
def test_a_malformed_body_answers_the_documented_400(social):
    from samsyn.api.tests.conftest import token_client

    client, _ = token_client(social)
    response = client.post("/api/sip", data="{", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_every_error_status_says_what_it_means():
    """The framework's phrases ("Unprocessable Entity") said nothing of the refusals by the
    rules for input that fits the schema; each status now names its causes."""
    vague = {"Bad Request", "Unauthorized", "Forbidden", "Not Found", "Conflict",
             "Unprocessable Entity"}  # fmt: skip
    found = [
        (name, status)
        for name, operation in _operations()
        for status, response in operation["responses"].items()
        if response["description"] in vague
    ]
    assert found == []
