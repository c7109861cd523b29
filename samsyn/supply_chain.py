"""`samsyn audit-deps` and `samsyn sbom`: the locked dependencies checked for known
vulnerabilities, and the CycloneDX bill of materials of a release (issue 13).

pip-audit alone says "No known vulnerabilities found" and exits 0 when it could not look any
package up (a vulnerability source that answers 404, as behind a registry mirror, skips every
package). `audit-deps` reads pip-audit's JSON instead and fails unless every locked package was
audited. Both run without Django: they read `uv.lock`, not the database.

Both need the development tools (`./dev` installs them): uv, pip-audit and cyclonedx-py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Exit codes: 1 a known vulnerability, 2 the audit itself failed (nothing or not everything was
# audited), so a pipeline can tell "fix a dependency" from "the check did not run".
VULNERABLE = 1
NOT_AUDITED = 2


@dataclass(frozen=True)
class Verdict:
    code: int
    message: str


def judge(report: dict | None, *, service: str, error: str = "") -> Verdict:
    """What a pip-audit JSON report means. None: pip-audit wrote no report (it stopped)."""
    if report is None:
        reason = error.strip().splitlines()[-1] if error.strip() else "no report written"
        return Verdict(
            NOT_AUDITED,
            f"NOT AUDITED: pip-audit could not check the dependencies against {service} "
            f"({reason}). Nothing was audited; this is not a pass.",
        )
    dependencies = report.get("dependencies", [])
    if not dependencies:
        return Verdict(NOT_AUDITED, "NOT AUDITED: pip-audit found no dependencies to audit.")
    skipped = [d for d in dependencies if "skip_reason" in d]
    if skipped:
        names = "; ".join(d["skip_reason"] for d in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        return Verdict(
            NOT_AUDITED,
            f"NOT AUDITED: {len(skipped)} of {len(dependencies)} locked packages could not be "
            f"checked against {service}: {names}{more}. Without them this is not a pass; "
            "try another source (--service osv) where the network allows.",
        )
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = [
            f"  {d['name']} {d['version']}: {v['id']}"
            + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
            for d in vulnerable
            for v in d["vulns"]
        ]
        return Verdict(
            VULNERABLE,
            f"{len(lines)} known vulnerabilities in {len(vulnerable)} locked packages:\n"
            + "\n".join(lines),
        )
    return Verdict(
        0, f"{len(dependencies)} locked packages audited against {service}: none has a known "
        "vulnerability.",
    )  # fmt: skip


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        raise SystemExit(
            f"{name} is not installed in {BIN}: it is a development tool; run ./dev to install it."
        )
    return str(path)


def _export(target: Path, *groups: str) -> None:
    """The locked requirements, pinned and hashed, as uv resolved them for every platform."""
    subprocess.run(  # noqa: S603 - fixed arguments, our own tool
        [_tool("uv"), "export", "--frozen", "--quiet", "--no-emit-project",
         "--format", "requirements-txt", *groups, "--output-file", str(target)],
        cwd=PROJECT, check=True,
    )  # fmt: skip


def audit_deps(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="samsyn audit-deps",
        description="Check every locked dependency (uv.lock, all groups) for known "
        "vulnerabilities with pip-audit; fail unless every one was checked.",
    )
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--osv-url", help="another OSV API address (a mirror)")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per request")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="samsyn-audit-") as work:
        requirements, output = Path(work, "requirements.txt"), Path(work, "report.json")
        _export(requirements, "--all-groups")
        command = [
            _tool("pip-audit"), "--requirement", str(requirements), "--disable-pip",
            "--vulnerability-service", args.service, "--format", "json",
            "--output", str(output), "--progress-spinner", "off",
            "--timeout", str(args.timeout),
            # A fresh cache: an answer kept from another source or day must not stand in.
            "--cache-dir", str(Path(work, "cache")),
        ]  # fmt: skip
        if args.osv_url:
            command += ["--osv-url", args.osv_url]
        run = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
        report = json.loads(output.read_text()) if output.exists() else None
    verdict = judge(report, service=args.osv_url or args.service, error=run.stderr)
    print(verdict.message, file=sys.stderr if verdict.code else sys.stdout)
    return verdict.code


def sbom(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="samsyn sbom",
        description="Write the CycloneDX SBOM (JSON) of what a Samsyn installation runs: the "
        "locked runtime dependencies, without the development tools.",
    )
    parser.add_argument("-o", "--output", default="samsyn.cdx.json", help="file to write")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="samsyn-sbom-") as work:
        requirements = Path(work, "requirements.txt")
        _export(requirements, "--no-dev")
        subprocess.run(  # noqa: S603
            [_tool("cyclonedx-py"), "requirements", str(requirements),
             "--pyproject", str(PROJECT / "pyproject.toml"), "--output-reproducible",
             "--output-format", "JSON", "--output-file", args.output],
            check=True,
            # It warns that the root component lists no dependencies: requirements carry no graph.
            env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"},
        )  # fmt: skip
    bom = json.loads(Path(args.output).read_text())
    print(
        f"{args.output}: CycloneDX {bom['specVersion']}, {len(bom.get('components', []))} "
        "components (the locked runtime dependencies)."
    )
    return 0


COMMANDS = {"audit-deps": audit_deps, "sbom": sbom}
