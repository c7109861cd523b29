"""A page's POST form as a browser submits it unchanged: what `bench pages` posts back, and
what the staff of `bench load` fill in. Plain Python, no Django: the load's locustfile imports
it in a process of its own."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    """The fields of the page's POST forms, each as a browser would submit it unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({} if a.get("method", "").lower() == "post" else {"": []})
        elif not self.forms or "" in self.forms[-1] or "name" not in a and tag != "option":
            return
        elif tag == "input" and a.get("type") not in {"submit", "button", "image", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.forms[-1].setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].setdefault(a["name"], []).append("")
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.forms[-1].setdefault(self._select, []).append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select not in self.forms[-1] and self._first_option is not None:
                self.forms[-1][self._select] = [self._first_option]
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1][self._textarea][-1] += data

    def fields(self) -> dict[str, list[str]]:
        """The POST form with the most fields: the page's own, not the sign-out button's."""
        posts = [form for form in self.forms if "" not in form]
        return max(posts, key=len) if posts else {}


def form_of(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html)
    return parser.fields()
