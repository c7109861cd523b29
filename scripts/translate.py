"""Fill empty Swedish msgstrs from a JSON object {msgid: msgstr}, then compile the catalogue.

    .venv/bin/python scripts/translate.py translations.json

Run `manage.py makemessages -l sv` first (from samsyn/), so new msgids are in the catalogue.
The catalogue is rewritten unwrapped (msgcat --no-wrap) so each msgid is one line.
"""

import json
import subprocess
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "samsyn/conf/locale/sv/LC_MESSAGES/django.po"


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(path: str) -> None:
    translations: dict[str, str] = json.loads(Path(path).read_text())
    subprocess.run(["msgcat", "--no-wrap", "-o", str(PO), str(PO)], check=True)
    text = PO.read_text()
    missing = []
    for msgid, msgstr in translations.items():
        empty = f'msgid {quote(msgid)}\nmsgstr ""\n'
        if empty not in text:
            missing.append(msgid)
            continue
        text = text.replace(empty, f"msgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n")
    PO.write_text(text)
    subprocess.run(["msgfmt", "--check", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    for msgid in missing:
        print(f"not empty or not in the catalogue: {msgid}", file=sys.stderr)
    # makemessages guesses a translation for a new msgid from a similar old one, marked fuzzy;
    # compiled catalogues skip those, so each must be checked and its flag removed by hand.
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(PO)], capture_output=True, text=True
    ).stdout
    for line in fuzzy.splitlines():
        if line.startswith("msgid ") and line != 'msgid ""':
            print(f"fuzzy, check it: {line[6:]}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
