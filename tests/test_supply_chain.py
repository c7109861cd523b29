"""`samsyn audit-deps` fails loudly when it audited nothing, and `samsyn sbom` writes the
release's CycloneDX SBOM (issue 13). No network: a vulnerability source on loopback, or none."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from samsyn import supply_chain

SAMSYN = [str(Path(sys.executable).parent / "samsyn")]
LOCK = tomllib.loads((supply_chain.PROJECT / "uv.lock").read_text())
DJANGO = next(p["version"] for p in LOCK["package"] if p["name"] == "django")

# What pip-audit 2.10 wrote here, behind a registry mirror whose JSON API answers 404, while it
# printed "No known vulnerabilities found" and exited 0.
ALL_SKIPPED = {
    "dependencies": [
        {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: "
                                      f"{name} (1.0)"}
        for name in ("django", "asgiref", "sqlparse")
    ],
    "fixes": [],
}  # fmt: skip


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [*SAMSYN, *args], capture_output=True, text=True, timeout=240, env=env
    )


@pytest.fixture
def osv():
    """An OSV API on loopback: no vulnerability, or one in Django when told so."""
    known: dict[str, list] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            vulns = known.get(query["package"]["name"], [])
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query", known
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_every_package_skipped_is_not_a_pass():
    verdict = supply_chain.judge(ALL_SKIPPED, service="pypi")
    assert verdict.code == supply_chain.NOT_AUDITED
    assert verdict.message.startswith("NOT AUDITED: 3 of 3 locked packages")


def test_one_package_skipped_is_not_a_pass():
    report = {"dependencies": [{"name": "django", "version": DJANGO, "vulns": []},
                               ALL_SKIPPED["dependencies"][1]]}  # fmt: skip
    assert supply_chain.judge(report, service="pypi").code == supply_chain.NOT_AUDITED


def test_no_dependencies_is_not_a_pass():
    assert supply_chain.judge({"dependencies": []}, service="osv").code == 2


def test_an_unreachable_source_fails_loudly():
    url = f"http://127.0.0.1:{_closed_port()}/v1/query"
    run = _run("audit-deps", "--service", "osv", "--osv-url", url, "--timeout", "2")
    assert run.returncode == supply_chain.NOT_AUDITED, run.stdout + run.stderr
    assert "NOT AUDITED: pip-audit could not check the dependencies" in run.stderr
    assert "not a pass" in run.stderr


def test_an_unreachable_pypi_fails_loudly():
    # The default source, through a proxy that refuses: the index cannot be reached.
    env = {"PATH": "/usr/bin:/bin", "HTTPS_PROXY": f"http://127.0.0.1:{_closed_port()}"}
    run = _run("audit-deps", "--timeout", "2", env=env)
    assert run.returncode == supply_chain.NOT_AUDITED, run.stdout + run.stderr
    assert "NOT AUDITED" in run.stderr


def test_every_locked_package_audited_passes(osv):
    url, _known = osv
    run = _run("audit-deps", "--service", "osv", "--osv-url", url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "locked packages audited" in run.stdout
    audited = int(run.stdout.split()[0])
    assert audited > 30


def test_a_known_vulnerability_fails_naming_it(osv):
    url, known = osv
    known["django"] = [{
        "id": "PYSEC-2099-1",
        "affected": [{
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }],
    }]  # fmt: skip
    run = _run("audit-deps", "--service", "osv", "--osv-url", url)
    assert run.returncode == supply_chain.VULNERABLE, run.stdout + run.stderr
    assert f"django {DJANGO}: PYSEC-2099-1 (fixed in 99.0)" in run.stderr


def test_sbom_is_cyclonedx_of_the_locked_runtime_dependencies(tmp_path):
    target = tmp_path / "samsyn.cdx.json"
    run = _run("sbom", "--output", str(target))
    assert run.returncode == 0, run.stderr
    bom = json.loads(target.read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["name"] == "samsyn"
    components = {c["name"]: c for c in bom["components"]}
    assert components["django"]["purl"] == f"pkg:pypi/django@{DJANGO}"
    # What a release runs, not the tools that build it.
    assert "pytest" not in components
    assert "pip-audit" not in components
