import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.LOCALE_PATHS[0]) / "sv" / "LC_MESSAGES" / "django.po"


def _entries() -> list[str]:
    return [block for block in PO.read_text().split("\n\n") if "\nmsgid " in f"\n{block}"]


def test_swedish_catalogue_translates_every_message():
    untranslated = [
        block
        for block in _entries()[1:]  # the first entry is the header
        if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.MULTILINE)
    ]
    assert not untranslated, "Untranslated:\n\n" + "\n\n".join(untranslated)


def test_swedish_catalogue_has_no_unchecked_guesses():
    fuzzy = [block for block in _entries()[1:] if "#, fuzzy" in block]
    assert not fuzzy, "Fuzzy (guessed by makemessages, skipped when compiled):\n\n" + "\n\n".join(
        fuzzy
    )
