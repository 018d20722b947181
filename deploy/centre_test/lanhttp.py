"""HTTP from a machine on the centre's LAN (curl run inside a namespace of the LAN): the officer's
PC calling numbers, the admin reading reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .host import sh


@dataclass
class Response:
    status: int  # 0: no answer
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class LanHttp:
    def __init__(self, netns: str, base_url: str):
        self.netns = netns
        self.base_url = base_url.rstrip("/")
        self.token = ""

    def request(self, method: str, path: str, payload: Any = None, *, token: str | None = None,
                timeout: float = 10) -> Response:
        url = f"{self.base_url}{path}"
        args = ["ip", "netns", "exec", self.netns, "curl", "-sS", "-i", "-m", str(timeout),
                "-X", method, "-H", "Accept: application/json"]
        bearer = self.token if token is None else token
        if bearer:
            args += ["-H", f"Authorization: Bearer {bearer}"]
        data = None
        if payload is not None:
            data = json.dumps(payload)
            args += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
        args.append(url)
        r = sh(args, check=False, quiet=True, timeout=timeout + 10, input=data)
        if r.returncode != 0:
            return Response(0, r.stderr.strip())
        # (text mode turned curl's CRLF into LF)
        head, _, body = r.stdout.partition("\n\n")
        while head.startswith("HTTP/1.1 100"):
            head, _, body = body.partition("\n\n")
        lines = head.splitlines()
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (ln.partition(":") for ln in lines[1:])}
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = body
        return Response(status, parsed, headers)

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, payload: Any = None, **kw: Any) -> Response:
        return self.request("POST", path, {} if payload is None else payload, **kw)

    def login(self, username: str, password: str) -> Response:
        r = self.post("/api/v1/auth/login", {"username": username, "password": password}, token="")
        if r.status == 200:
            self.token = r.body["token"]
        return r
