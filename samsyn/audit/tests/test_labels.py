"""The log in words a social worker reads (LOG-1): every object type, action and ground that any
code writes has a label, so no internal code ("sip_plan_document", "list") reaches a page.

The codes are found in the source as the writers pass them: `obj=`, `event=` and `action=`
arguments and defaults, positional ones to a module's own helper (`_change(actor, case,
decision, "sip_closed")`), a Decision's basis, and a literal `{"basis": …}`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from samsyn.access.rules import Decision
from samsyn.audit import selectors, services
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.tests.factories import make_actor

SAMSYN = Path(__file__).resolve().parents[2]
KINDS = {"obj": "objects", "event": "actions", "action": "actions", "basis": "bases"}


def _sources():
    for path in sorted(SAMSYN.rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), str(path))


def _texts(node) -> list[str]:
    """The strings a value may be: a constant, or either branch of `a if c else b`."""
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []


def written_codes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}

    def add(name, node):
        if name in KINDS:
            found[KINDS[name]].update(_texts(node))

    for _path, tree in _sources():
        # The module's own functions: which positional parameter is `obj` or `event`.
        positions = {}
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                params = fn.args.posonlyargs + fn.args.args
                positions[fn.name] = {i: a.arg for i, a in enumerate(params) if a.arg in KINDS}
                defaults = fn.args.defaults
                for param, default in zip(
                    params[len(params) - len(defaults) :], defaults, strict=True
                ):
                    add(param.arg, default)
                for param, default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
                    if default is not None:
                        add(param.arg, default)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if callee == "add_argument":
                    continue  # argparse's action="store_true" is not the log's
                for keyword in node.keywords:
                    add(keyword.arg, keyword.value)
                for index, name in positions.get(callee, {}).items():
                    if index < len(node.args):
                        add(name, node.args[index])
                if callee == "Decision" and len(node.args) > 1:
                    add("basis", node.args[1])
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if key is not None and _texts(key) == ["basis"]:
                        add("basis", value)
    return found


def test_the_scan_finds_the_known_writers():
    # A guard on the scan itself: if it found nothing, the next test would prove nothing.
    codes = written_codes()
    assert {"sip_plan_document", "sip_parties", "child_list", "consent"} <= codes["objects"]
    assert {"read", "sip_closed", "plan_finalised", "family_read"} <= codes["actions"]
    assert {"involvement", "consent", "legal_ground", "list", "own_record"} <= codes["bases"]


@pytest.mark.parametrize("kind", sorted(set(KINDS.values())))
def test_log_1_every_code_written_has_a_label(kind):
    labels = {"objects": selectors.OBJECTS, "actions": selectors.ACTIONS, "bases": selectors.BASES}
    assert written_codes()[kind] - set(labels[kind]) == set()


@pytest.mark.django_db
def test_log_1_the_child_log_shows_no_internal_code(actor_client):
    actor = make_actor()
    child = ChildFactory()
    InvolvementFactory(child=child, unit=actor.unit, staff=actor.staff)
    for obj, basis in (("sip_plan_document", "participation"), ("sip_parties", "list")):
        services.record_read(
            actor=actor, child_id=child.pk, obj=obj, obj_id=1, purpose="planning",
            decision=Decision(True, basis),
        )  # fmt: skip
    services.record_change(
        actor=actor, child_id=child.pk, obj="sip", obj_id=1, event="sip_closed",
        purpose="planning",
    )  # fmt: skip
    with translation.override("sv"):
        page = actor_client(actor).get(reverse("audit:child", args=[child.pk])).text
    rows = page.split("<tbody>")[1]
    for code in ("sip_plan_document", "sip_parties", "participation", "(list)", "sip_closed"):
        assert code not in rows
    assert "planen för utskrift eller som PDF" in rows
