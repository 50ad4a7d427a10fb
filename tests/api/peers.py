"""Real network peers for the data-exchange tests, started on loopback as subprocesses:

- `start_ftp(root_dir, user, password, port=None)`: an FTP server (python3-pyftpdlib) serving
  `root_dir` to one user with full rights (read, write, delete); `tls_cert=PEM` makes it
  require explicit TLS (AUTH TLS) with that certificate+key file.

- `start_smtp(path, port=None)`: an SMTP sink (python3-aiosmtpd) that accepts every message
  and appends it to `path` as a JSON line; `messages()` reads them back decoded.

Each returns a peer with `host`, `port`, `stop()` and `start()` (again, on the same port), and
writes its log beside nothing the test reads: `peer.log_path`.

The peers run under Debian's /usr/bin/python3, which has pyftpdlib and aiosmtpd (a pyenv python3 earlier
on PATH may not). Used by tests/api/test_import_xml.py, test_exchange_schedule.py and
bench/xml_import_bench.sh.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PYTHON = os.environ.get("UPRAVDOM_PEER_PYTHON", "/usr/bin/python3")

_FTP_SCRIPT = r"""
import logging, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer

host, port, root, user, password, cert = sys.argv[1:7]
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
if cert:
    handler = TLS_FTPHandler
    handler.certfile = cert
    handler.tls_control_required = True
    handler.tls_data_required = True
else:
    handler = FTPHandler
handler.authorizer = authorizer
handler.banner = "upravdom test FTP"
# Wrong passwords are answered at once (the default waits 3 s), so the tests stay quick.
handler.auth_failed_timeout = 0.1
server = FTPServer((host, int(port)), handler)
server.serve_forever()
"""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _wait_listening(host: str, port: int, proc: subprocess.Popen, log_path: Path,
                    timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"peer exited {proc.returncode} at start:\n"
                               f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"peer did not listen on {host}:{port} within {timeout}s")


class _ScriptPeer:
    """A peer run as `python3 -c SCRIPT ARGS…` listening on host:port: started once it accepts
    connections, `stop()` ends it, `start()` runs it again on the same port. Subclasses give
    `_args()` and, before `start()`, set host, port and `kind` (the log file's prefix)."""

    kind = "peer"
    host: str
    port: int
    stdin = subprocess.DEVNULL

    def _init_process(self) -> None:
        fd, name = tempfile.mkstemp(prefix=f"{self.kind}-{self.port}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self.proc: subprocess.Popen | None = None
        self.start()

    def _args(self) -> list[str]:
        raise NotImplementedError

    def _before_start(self) -> None:
        pass

    def start(self) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self._before_start()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([PYTHON, "-c", *self._args()], stdout=log,
                                     stderr=subprocess.STDOUT, stdin=self.stdin)
        log.close()
        _wait_listening(self.host, self.port, self.proc, self.log_path)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class FtpPeer(_ScriptPeer):
    """A pyftpdlib server on loopback; `stop()` ends it, `start()` runs it again."""

    def __init__(self, root_dir: Path, user: str, password: str, port: int | None = None,
                 host: str = "127.0.0.1", tls_cert: str | Path | None = None):
        self.root = Path(root_dir)
        self.user = user
        self.password = password
        self.host = host
        self.port = port or free_port(host)
        self.tls_cert = str(tls_cert) if tls_cert else ""
        self.kind = "ftp"
        self._init_process()

    @property
    def url(self) -> str:
        return f"ftp://{self.host}:{self.port}"

    def _before_start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def _args(self) -> list[str]:
        return [_FTP_SCRIPT, self.host, str(self.port), str(self.root), self.user, self.password,
                self.tls_cert]


def start_ftp(root_dir: str | Path, user: str, password: str, port: int | None = None,
              host: str = "127.0.0.1", tls_cert: str | Path | None = None) -> FtpPeer:
    """Starts an FTP server for `user`/`password` over `root_dir` on loopback (a free port
    unless given) and returns it once it accepts connections."""
    return FtpPeer(root_dir, user, password, port=port, host=host, tls_cert=tls_cert)


# --------------------------------------------------------------------------- SMTP sink

_SMTP_SCRIPT = r"""
import json, sys, time
from aiosmtpd.controller import Controller

host, port, path = sys.argv[1:4]

class Sink:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        record = {"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                  "raw": raw.decode("utf-8", "replace"), "received_at": time.time()}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 OK"

controller = Controller(Sink(), hostname=host, port=int(port))
controller.start()
try:
    sys.stdin.read()  # until the parent closes stdin or ends the process
finally:
    controller.stop()
"""


class SmtpPeer(_ScriptPeer):
    """An SMTP sink (python3-aiosmtpd) on loopback: accepts every message and appends it to
    `path` as one JSON line; `messages()` reads them back decoded. `stop()` ends it (a mail
    server that is down), `start()` runs it again on the same port."""

    def __init__(self, path: str | Path, port: int | None = None, host: str = "127.0.0.1"):
        self.path = Path(path)
        self.host = host
        self.port = port or free_port(host)
        self.kind = "smtp"
        self.stdin = subprocess.PIPE  # the sink runs until its stdin closes
        self._init_process()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def _args(self) -> list[str]:
        return [_SMTP_SCRIPT, self.host, str(self.port), str(self.path)]

    def messages(self, to: str | None = None) -> list[dict]:
        """Every received message: `from`, `to`, `subject` (decoded), `raw_subject` (as sent),
        `body` (the decoded text), `raw`; only those to `to` when given."""
        import email
        import email.policy

        from apikit import read_jsonl

        out = []
        for m in read_jsonl(self.path):
            if to is not None and to not in m["to"]:
                continue
            parsed = email.message_from_string(m["raw"], policy=email.policy.default)
            part = parsed.get_body(preferencelist=("plain",)) or parsed
            m["subject"] = str(parsed["subject"])
            m["raw_subject"] = email.message_from_string(m["raw"])["subject"]
            m["body"] = part.get_content()
            out.append(m)
        return out


def start_smtp(path: str | Path, port: int | None = None, host: str = "127.0.0.1") -> SmtpPeer:
    """Starts the SMTP sink on loopback (a free port unless given); received messages are
    appended to `path` as JSON lines and read with `messages()`."""
    return SmtpPeer(path, port=port, host=host)
