import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType

from django.core.management.base import BaseCommand

import samsyn.bench


def paths() -> dict[str, ModuleType]:
    """Every module of samsyn.bench that measures a path: it has `add_arguments` and `run`."""
    found = {}
    for info in pkgutil.iter_modules(samsyn.bench.__path__):
        if info.ispkg or info.name == "apps":
            continue
        module = importlib.import_module(f"samsyn.bench.{info.name}")
        if callable(getattr(module, "add_arguments", None)) and callable(
            getattr(module, "run", None)
        ):
            found[info.name] = module
    return found


def table(rows: list[dict]) -> str:
    """The rows as aligned columns: the name, then every figure any row has, in first-seen order."""
    columns = ["name"]
    for row in rows:
        columns += [key for key in row if key not in columns]
    cells = [columns] + [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class Command(BaseCommand):
    help = "Measures a hot path: `samsyn bench <path> [options] [--json FILE]`."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="path", required=True, metavar="PATH")
        for name, module in paths().items():
            sub = subparsers.add_parser(name, help=(module.__doc__ or "").strip().split("\n")[0])
            sub.add_argument("--json", type=Path, metavar="FILE", help="write the rows as JSON")
            module.add_arguments(sub)

    def handle(self, *args, path, **options):
        rows = paths()[path].run(options, self.stdout) or []
        self.stdout.write(table(rows))
        if options["json"]:
            options["json"].write_text(json.dumps({"paths": rows}, indent=2) + "\n")
            self.stdout.write(f"Written to {options['json']}.")
