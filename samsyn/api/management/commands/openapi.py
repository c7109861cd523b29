from django.core.management.base import BaseCommand

from samsyn.api.spec import COMMITTED, openapi_document


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to samsyn/api/openapi.json (or --stdout)."
    # Generating a document needs neither the database nor the other apps' URLs.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--stdout", action="store_true", help="Print instead of writing.")

    def handle(self, *args, stdout: bool, **options):
        document = openapi_document()
        if stdout:
            self.stdout.write(document, ending="")
            return
        COMMITTED.write_text(document, encoding="utf-8")
        self.stdout.write(f"Wrote {COMMITTED}")
