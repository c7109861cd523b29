"""`samsyn trial crash`: kill -9 the web server or the embedded PostgreSQL while a save is under
way, start the server again, and check what was kept against what was acknowledged."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from samsyn.trial import plan
from samsyn.trial.client import Api, TrialError
from samsyn.trial.server import TrialServer
from samsyn.trial.session import edit_draft, trial_server

KILLS = ("web", "database")
START_ATTEMPTS = 3


@dataclass
class CrashReport:
    trials: int = 0
    kills: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KILLS, 0))
    attempted: int = 0
    acknowledged: int = 0
    # Killed after the commit, before the answer: kept, and the editor finds it on reading again.
    kept_unacknowledged: int = 0
    lost: int = 0
    half_written: int = 0
    restart_failures: int = 0
    audit_verified: bool = True
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.lost and not self.half_written and not self.restart_failures
            and self.audit_verified and not self.problems
        )  # fmt: skip


class _Writer(threading.Thread):
    """Saves the draft again and again, each save read first (its lock_version), until a save
    is not answered or answered with anything but 200."""

    def __init__(self, api: Api, draft: plan.Draft, trial: int, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.api, self.draft, self.trial, self.rng = api, draft, trial, rng
        self.saving = threading.Event()  # set while a PUT is on its way
        self.attempted: list[str] = []
        self.acknowledged: list[tuple[str, int]] = []  # (tag, lock_version answered)

    def run(self) -> None:
        path = f"/sip/{self.draft.case_id}/plan"
        while True:
            try:
                read = self.api.call("GET", path)
                if read.status != 200 or not isinstance(read.body, dict):
                    return
                tag = f"c{self.trial}-s{len(self.attempted) + 1}"
                body = plan.content(tag, self.rng.randint(1, 6), read.body["lock_version"])
                self.attempted.append(tag)
                self.saving.set()
                answer = self.api.call("PUT", path, body)
            except OSError:
                return
            finally:
                self.saving.clear()
            if answer.status != 200 or not isinstance(answer.body, dict):
                return
            self.acknowledged.append((tag, answer.body["lock_version"]))


def _start(server: TrialServer, report: CrashReport) -> None:
    for _attempt in range(START_ATTEMPTS):
        if server.start():
            return
        report.restart_failures += 1
    raise TrialError(f"the server did not start in {START_ATTEMPTS} attempts")


def run(
    *, trials: int, seed: int, children: int = 20, verify_every: int = 10,
    progress: Callable[[str], None] = lambda line: None, keep: bool = False,
) -> CrashReport:  # fmt: skip
    rng = random.Random(seed)  # noqa: S311 - a repeatable schedule, not a secret
    report = CrashReport()
    with trial_server(report, children=children, workers=1, keep=keep, progress=progress) as server:
        _start(server, report)
        editing = edit_draft(server, ["crash trial"])
        api, draft, version_id = editing.apis[0], editing.draft, editing.version_id
        lock_before, audited_before = editing.lock_before, editing.audited_before
        for trial in range(1, trials + 1):
            _one_trial(server, api, draft, version_id, trial, rng, report)
            lock_after, audited_after = plan.committed_saves(server, version_id)
            if lock_after - lock_before != audited_after - audited_before:
                report.half_written += 1
                report.problems.append(
                    f"trial {trial}: {lock_after - lock_before} saves committed but "
                    f"{audited_after - audited_before} audit rows"
                )
            lock_before, audited_before = lock_after, audited_after
            report.trials = trial
            if trial % verify_every == 0 or trial == trials:
                report.audit_verified &= server.audit_verify()
            progress(
                f"trial {trial}/{trials}: {report.acknowledged} acknowledged, "
                f"{report.lost} lost, {report.half_written} half-written"
            )
    return report


def _one_trial(
    server: TrialServer, api: Api, draft: plan.Draft, version_id: int, trial: int,
    rng: random.Random, report: CrashReport,
) -> None:  # fmt: skip
    lock_before, _audited = plan.committed_saves(server, version_id)
    # The writer's own generator: how many saves it makes depends on timing, and must not shift
    # the schedule of kills that follows.
    writer = _Writer(api, draft, trial, random.Random(rng.random()))  # noqa: S311
    kill = rng.choice(KILLS)
    saves_first = rng.randint(0, 3)
    delay = rng.uniform(0, 0.05)
    writer.start()
    # A random moment mid-save: after a few answered saves, a little into the next one.
    deadline = time.monotonic() + 30
    while writer.is_alive() and time.monotonic() < deadline:
        if len(writer.acknowledged) >= saves_first and writer.saving.is_set():
            break
        time.sleep(0.001)
    time.sleep(delay)
    if kill == "web":
        server.kill_web()
    else:
        server.kill_database()
        # A web server whose database died is restarted, as a service manager would.
        writer.join(timeout=20)
        server.kill_web()
    report.kills[kill] += 1
    writer.join(timeout=20)
    if writer.is_alive():
        raise TrialError(f"trial {trial}: a save hung after the kill")
    report.attempted += len(writer.attempted)
    report.acknowledged += len(writer.acknowledged)
    _start(server, report)
    _check(server, api, draft, version_id, trial, writer, lock_before, report)


def _check(
    server: TrialServer, api: Api, draft: plan.Draft, version_id: int, trial: int,
    writer: _Writer, lock_before: int, report: CrashReport,
) -> None:  # fmt: skip
    read = api.call("GET", f"/sip/{draft.case_id}/plan")
    if read.status != 200 or not isinstance(read.body, dict):
        raise TrialError(f"trial {trial}: the plan could not be read after the restart")
    tag, whole = plan.read_tag(read.body)
    if not whole:
        report.half_written += 1
        report.problems.append(f"trial {trial}: the plan is not whole ({tag})")
    lock_after, _audited = plan.committed_saves(server, version_id)
    committed = lock_after - lock_before
    if committed > len(writer.attempted):
        report.problems.append(f"trial {trial}: {committed} saves committed of fewer attempted")
        return
    report.kept_unacknowledged += max(committed - len(writer.acknowledged), 0)
    lost = lost_saves(
        writer.attempted, writer.acknowledged, committed, tag, read.body["lock_version"]
    )
    if lost:
        report.lost += lost
        report.problems.append(
            f"trial {trial}: {len(writer.acknowledged)} saves acknowledged, {committed} kept, "
            f"the plan is {tag}"
        )


def lost_saves(
    attempted: list[str], acknowledged: list[tuple[str, int]], committed: int,
    tag: str | None, lock_version: int,
) -> int:  # fmt: skip
    """How many acknowledged saves the database lost. Every save read the lock its predecessor
    left, so the committed saves are the first `committed` attempted ones: each acknowledged
    save must be among them, and the plan must be the last committed one."""
    lost = max(len(acknowledged) - committed, 0)
    if committed and tag != attempted[committed - 1]:
        lost = max(lost, 1)
    if acknowledged and lock_version < acknowledged[-1][1]:
        lost = max(lost, 1)
    return lost
