"""`samsyn trial concurrency`: many editors save one draft plan at the same moment, each from
what it read; count the saves acknowledged and then lost without their editor being told."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from samsyn.trial import plan
from samsyn.trial.client import Api, TrialError
from samsyn.trial.session import Editing, edit_draft, trial_server


@dataclass
class ConcurrencyReport:
    editors: int = 0
    rounds: int = 0
    saves: int = 0
    acknowledged: int = 0
    conflicts: int = 0
    unclear_conflicts: int = 0
    silent_overwrites: int = 0
    errors: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (
            self.silent_overwrites or self.unclear_conflicts or self.errors or self.problems
        )


@dataclass(frozen=True)
class Save:
    editor: int
    tag: str
    base: int  # the lock_version the editor read
    status: int
    answered: int | None  # the lock_version the answer carries (the saved one, or the current)


def _clear_conflict(answer, base: int) -> bool:
    """409 with a reason and the draft as the other editor saved it, newer than what was read."""
    body = answer.body
    return (
        answer.status == 409 and isinstance(body, dict) and bool(body.get("detail"))
        and isinstance(body.get("current"), dict)
        and body["current"].get("lock_version", 0) > base
    )  # fmt: skip


def run(
    *, editors: int, rounds: int, children: int = 20,
    progress: Callable[[str], None] = lambda line: None, keep: bool = False,
) -> ConcurrencyReport:  # fmt: skip
    report = ConcurrencyReport(editors=editors, rounds=rounds)
    # Enough workers that saves really meet in the database, not in gunicorn's queue.
    with trial_server(
        report, children=children, workers=min(editors, 8), keep=keep, progress=progress
    ) as server:
        if not server.start():
            raise TrialError("the server did not start")
        editing = edit_draft(server, [f"editor {n}" for n in range(editors)])
        saves: list[Save] = []
        for round_ in range(1, rounds + 1):
            saves += _round(editing.apis, editing.draft, round_, report)
            progress(f"round {round_}/{rounds}: {len(saves)} saves")
        _check(server, editing, saves, report)
    return report


def _round(apis: list[Api], draft: plan.Draft, round_: int, report: ConcurrencyReport):
    """Every editor reads the draft, then all save at once."""
    path = f"/sip/{draft.case_id}/plan"
    barrier = threading.Barrier(len(apis))
    saves: list[Save] = []
    lock = threading.Lock()

    def edit(editor: int, api: Api) -> None:
        tag = f"e{editor}-r{round_}"
        try:
            read = api.call("GET", path)
            base = read.body["lock_version"] if isinstance(read.body, dict) else 0
            barrier.wait(timeout=60)
            answer = api.call("PUT", path, plan.content(tag, 1 + editor % 3, base))
        except (OSError, threading.BrokenBarrierError) as error:
            with lock:
                report.errors += 1
                report.problems.append(f"editor {editor}, round {round_}: {error}")
            return
        body = answer.body if isinstance(answer.body, dict) else {}
        answered = body.get("lock_version") or (body.get("current") or {}).get("lock_version")
        with lock:
            saves.append(Save(editor, tag, base, answer.status, answered))
            if answer.status == 200:
                report.acknowledged += 1
            elif answer.status == 409:
                report.conflicts += 1
                report.unclear_conflicts += not _clear_conflict(answer, base)
            else:
                report.errors += 1
                report.problems.append(f"{tag}: answered {answer.status}")

    threads = [threading.Thread(target=edit, args=(n, api)) for n, api in enumerate(apis)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.saves += len(saves)
    return saves


def _check(server, editing: Editing, saves: list[Save], report: ConcurrencyReport) -> None:
    """An acknowledged save is silently overwritten when a later save was acknowledged without
    its editor having read it: then two acknowledged saves started from the same lock_version,
    or one's answer skips a version. The draft must be the last acknowledged save, whole, and
    every committed save has its audit row."""
    acknowledged = sorted((s for s in saves if s.status == 200), key=lambda s: s.answered or 0)
    read = editing.apis[0].call("GET", f"/sip/{editing.draft.case_id}/plan")
    if read.status != 200 or not isinstance(read.body, dict):
        raise TrialError("the plan could not be read at the end")
    tag, whole = plan.read_tag(read.body)
    if not whole:
        report.problems.append(f"the plan is not whole ({tag})")
    lock_after, audited_after = plan.committed_saves(server, editing.version_id)
    committed = lock_after - editing.lock_before
    # Each way of seeing the same loss counts it once: the largest is the number lost.
    lost = [overwritten(acknowledged), len(acknowledged) - committed]
    if acknowledged and tag != acknowledged[-1].tag:
        lost.append(1)
        report.problems.append(
            f"the plan is {tag}, the last acknowledged save {acknowledged[-1].tag}"
        )
    report.silent_overwrites = max(lost)
    if committed != len(acknowledged):
        report.problems.append(f"{committed} saves committed, {len(acknowledged)} acknowledged")
    audited = audited_after - editing.audited_before
    if audited != committed:
        report.problems.append(f"{committed} saves committed, {audited} audited")


def overwritten(acknowledged: list[Save]) -> int:
    """Acknowledged saves that a later acknowledged save replaced unseen: two saves from the
    same lock_version both acknowledged, or an answer that is not the version after the one
    read (a save in between that nobody read)."""
    bases = [save.base for save in acknowledged]
    skipped = sum(save.answered != save.base + 1 for save in acknowledged)
    return len(bases) - len(set(bases)) + skipped
