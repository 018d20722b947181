"""The admin's browser on the centre's LAN, for the HTML pages: curl with a cookie jar, run in
the officer PC's namespace, and the fields of a form as a browser would send them."""

from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from .host import sh


class LanBrowser:
    """GET pages and POST forms as the logged-in admin would (session cookie, CSRF field)."""

    def __init__(self, netns: str, base_url: str):
        self.netns = netns
        self.base_url = base_url.rstrip("/")
        self._dir = Path(tempfile.mkdtemp(prefix="centre-test-browser-"))
        self._jar = self._dir / "cookies"

    def _curl(self, method: str, path: str, body: str | None, timeout: float) -> tuple[int, str]:
        out = self._dir / "body"
        args = ["ip", "netns", "exec", self.netns, "curl", "-sS", "-m", str(timeout), "-X", method,
                "-b", str(self._jar), "-c", str(self._jar), "-o", str(out), "-w", "%{http_code}"]
        if body is not None:
            args += ["-H", "Content-Type: application/x-www-form-urlencoded",
                     "--data-binary", "@-"]
        args.append(f"{self.base_url}{path}")
        r = sh(args, check=False, quiet=True, timeout=timeout + 10, input=body)
        if r.returncode != 0:
            return 0, r.stderr.strip()
        return int(r.stdout.strip() or 0), out.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        return self._curl("GET", path, None, timeout)

    def post(self, path: str, fields: list[tuple[str, str]], timeout: float = 10
             ) -> tuple[int, str]:
        return self._curl("POST", path, urlencode(fields), timeout)


class _Form(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The name and value of each field the form ``form_id`` sends as it stands (text, hidden
    and number inputs, checked boxes, text areas, selected options), in page order."""
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields
