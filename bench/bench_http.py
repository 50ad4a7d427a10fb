"""What the benchmark clients share: a timed keep-alive HTTP client of the staff API,
percentiles, and the search folding the server applies (case, ё → е, spaces).

Only the Python standard library (Debian's /usr/bin/python3).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse


class Client:
    """One keep-alive connection; every request is timed up to the last byte of the body."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, params=None, body=None):
        if params:
            path += "?" + urllib.parse.urlencode(params, doseq=True)
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload, time.perf_counter() - start
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        raise AssertionError("unreachable")

    def json(self, path: str, params=None):
        status, payload, _ = self.request("GET", path, params)
        if status != 200:
            raise SystemExit(f"GET {path} {params}: {status} {payload[:300]!r}")
        return json.loads(payload)

    def sign_in(self, login: str, password: str):
        status, payload, _ = self.request("POST", "/api/v1/auth/login",
                                          body={"login": login, "password": password})
        if status != 200:
            raise SystemExit(f"sign-in failed: {status} {payload[:300]!r}")
        self.headers["Authorization"] = "Bearer " + json.loads(payload)["token"]


def fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]
