"""The `samsyn` command line. Each command is a Django management command; this maps the
documented names onto them:

    samsyn demo [--children N] [--seed S] [--port P]   start the demo county, worker and web
    samsyn serve [--port P] [--demo]                    the web server only (production settings)
    samsyn worker                                       the background task worker
    samsyn audit verify|summarise|schedule              walk the audit chains; follow-up counts
    samsyn radar scan|schedule                          the radar's scan now, or on the worker
    samsyn bench radar                                  the radar's scan, demo county and 10× larger
    samsyn load [--users 50] [--minutes 10] [--json F]  staff at work at once, p95 per request kind
    samsyn retention plan|run [--dry-run]|schedule      what is due; a retention run; on the worker
    samsyn sessions clear|schedule                      expired sessions cleared; or on the worker
    samsyn check [--deploy]                             Django's system checks
    samsyn totp USERNAME                                a demo user's sign-in code
    samsyn audit-deps [--service pypi|osv]              known vulnerabilities in uv.lock
    samsyn sbom [-o FILE]                               the release's CycloneDX SBOM
    samsyn trial crash [--trials N] [--json FILE]       kill -9 mid-save, restart, check
    samsyn trial concurrency [--editors N] [--json F]   many editors on one plan at once
    samsyn <any manage.py command>                      e.g. migrate, createsuperuser
"""

import os
import sys

ALIASES = {"worker": ["db_worker"], "load": ["bench", "load"]}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.conf.dev")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command in {"audit-deps", "sbom"}:
        # Without Django: these read uv.lock, and need no settings and no database.
        from samsyn.supply_chain import COMMANDS

        sys.exit(COMMANDS[command](rest))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samsyn", *ALIASES.get(command, [command]), *rest])


if __name__ == "__main__":
    main()
