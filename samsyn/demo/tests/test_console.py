"""The demo's console speaks one language, Swedish by default, as the pages do."""

from __future__ import annotations

import datetime
import io
import re
import socket

from django.core.management import call_command
from django.utils import translation

from samsyn.demo import services
from samsyn.demo.management.commands import demo as demo_command

ENGLISH = ("Drawing", "Writing", "The county is ready", "Starting", "Quit the server")


def test_building_the_county_reports_in_swedish(db):
    said: list[str] = []
    with translation.override("sv"):
        services.build_county(
            seed=7, children=200, year=2026, today=datetime.date(2026, 11, 23),
            progress=said.append,
        )  # fmt: skip
    assert said[0].startswith("Drar Örebro län: seed 7, 200 barn")
    # Numbers as Swedish writes them: "Länet är klart (0,8 s)."
    assert re.fullmatch(r"Länet är klart \(\d+,\d s\)\.", said[-1])
    assert not [line for line in said if line.strip().startswith(ENGLISH)]


class Worker:
    command: list[str] = []

    def __init__(self, command, **kwargs):
        Worker.command = command

    def poll(self):
        return 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serving_leaves_out_the_english_of_runserver_and_the_worker(db, settings, monkeypatch):
    settings.SAMSYN_DEMO_ALLOWED = True
    served = {}
    real_call_command = demo_command.call_command

    def call(name, *args, **kwargs):
        if name != "runserver":
            return real_call_command(name, *args, **kwargs)
        served.update(kwargs)
        raise KeyboardInterrupt  # as Ctrl+C would, once it serves

    monkeypatch.setattr(demo_command, "call_command", call)
    monkeypatch.setattr(demo_command.subprocess, "Popen", Worker)
    monkeypatch.setattr(demo_command.signal, "signal", lambda *args: None)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("sv"):
        call_command(
            "demo", "--port", str(free_port()), "--seed", "7", "--children", "200",
            stdout=out, stderr=err,
        )  # fmt: skip
    # runserver's banner ("Starting development server… Quit the server with CONTROL-C") goes
    # nowhere; ours says it in Swedish.
    assert served["stdout"] not in (out, err)
    assert "Stoppa demon med Ctrl+C." in out.getvalue()
    # The worker's English log lines (one per task) are off.
    assert Worker.command[-2:] == ["--verbosity", "0"]
    console = (out.getvalue() + err.getvalue()).splitlines()
    assert not [line for line in console if line.strip().startswith(ENGLISH)]
