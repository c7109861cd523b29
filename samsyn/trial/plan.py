"""The record every trial writes: a SIP's draft plan, saved through `PUT /api/sip/{id}/plan`
(one version row, its items and an audit row, in one transaction). Each save's content carries
its tag in every part, so a plan read back tells which save it is and whether it is whole."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from samsyn.trial.client import Api, TrialError

_HEAD = re.compile(r"^trial (?P<tag>\S+) needs=(?P<needs>\d+)$")


@dataclass(frozen=True)
class Draft:
    case_id: int
    version_number: int


def find_draft(api: Api) -> Draft:
    """A draft plan the signed-in person may edit: an open draft, or a follow-up draft started
    on a finalised plan."""
    listing = api.call("GET", "/sip?page=1")
    if listing.status != 200 or not isinstance(listing.body, dict):
        raise TrialError(f"listing the SIPs answered {listing.status}")
    cases = [item["id"] for item in listing.body["items"]]
    for case_id in cases:
        plan = api.call("GET", f"/sip/{case_id}/plan")
        if plan.status == 200 and isinstance(plan.body, dict) and plan.body["status"] == "draft":
            return Draft(case_id, plan.body["number"])
    for case_id in cases:
        started = api.call("POST", f"/sip/{case_id}/plan/start")
        if started.status == 200 and isinstance(started.body, dict):
            return Draft(case_id, started.body["number"])
    raise TrialError("no SIP of the trial's staff member has or can start a draft plan")


def content(tag: str, needs: int, lock_version: int) -> dict:
    """A save of the draft: `needs` needs, a goal under each, every text carrying the tag."""
    items = []
    for k in range(1, needs + 1):
        need = str(uuid.uuid4())
        items.append({"key": need, "kind": "need", "text": f"{tag} need {k}/{needs}"})
        items.append({"kind": "goal", "text": f"{tag} goal {k}/{needs}", "need_key": need})
    return {
        "lock_version": lock_version,
        "child_view": f"trial {tag} needs={needs}",
        "follow_up_how": f"trial {tag}",
        "items": items,
    }


def read_tag(plan: dict) -> tuple[str | None, bool]:
    """(the tag of the save this plan is, whether it is whole). A plan no trial saved yet has no
    tag and counts as whole."""
    head = _HEAD.match(plan["child_view"])
    if head is None:
        return None, not plan["child_view"].startswith("trial ")
    tag, needs = head["tag"], int(head["needs"])
    items = plan["items"]
    need_keys = {item["key"]: item["text"] for item in items if item["kind"] == "need"}
    expected_needs = {f"{tag} need {k}/{needs}" for k in range(1, needs + 1)}
    goals = [item for item in items if item["kind"] == "goal"]
    whole = (
        len(items) == 2 * needs
        and set(need_keys.values()) == expected_needs
        and plan["follow_up_how"] == f"trial {tag}"
        and len(goals) == needs
        and all(
            goal["need_key"] in need_keys
            and goal["text"] == need_keys[goal["need_key"]].replace(" need ", " goal ")
            for goal in goals
        )
    )
    return tag, whole


def committed_saves(server, version_id: int) -> tuple[int, int]:
    """(the draft's lock_version, its plan_draft_saved audit rows), from the database itself.
    Every committed save adds one to each, in the same transaction."""
    with server.connect() as connection:
        lock = connection.execute(
            "SELECT lock_version FROM plans_planversion WHERE id = %s", [version_id]
        ).fetchone()
        audited = connection.execute(
            "SELECT count(*) FROM audit_entry WHERE object_type = 'sip_plan' "
            "AND object_id = %s AND action = 'plan_draft_saved'",
            [str(version_id)],
        ).fetchone()
    if lock is None or audited is None:
        raise TrialError(f"plan version {version_id} is gone")
    return lock[0], audited[0]


def version_id(server, draft: Draft) -> int:
    with server.connect() as connection:
        row = connection.execute(
            "SELECT id FROM plans_planversion WHERE case_id = %s AND number = %s",
            [draft.case_id, draft.version_number],
        ).fetchone()
    if row is None:
        raise TrialError(f"SIP {draft.case_id} has no plan version {draft.version_number}")
    return row[0]
