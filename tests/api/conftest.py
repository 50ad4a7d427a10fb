"""Fixtures of the API suite: per test module, a fresh database (SQLite file or a new
PostgreSQL database), seeded through the CLI, and the real `upravdom serve` on a free port.

Environment:
  UPRAVDOM_BIN          the binary (default build/release/upravdom, relative to the repo root)
  UPRAVDOM_TEST_DB      sqlite (default) | postgres
  UPRAVDOM_TEST_PG_URL  server URL for postgres mode
                        (default postgresql://postgres@127.0.0.1:55432/postgres, the peer of
                        tests/peers/postgres.sh)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from apikit import REPO_ROOT, Api

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:55432/postgres"
PASSWORD = "Пароль-для-тестов-1"
INDEX_HTML = "<!doctype html><html><head><title>upravdom test index</title></head>" \
             "<body><div id=\"root\">upravdom-spa-index</div></body></html>\n"
ASSET_JS = "console.log('upravdom-test-asset');\n"


def upravdom_bin() -> Path:
    p = Path(os.environ.get("UPRAVDOM_BIN", "build/release/upravdom"))
    if not p.is_absolute():
        p = REPO_ROOT / p
    return p


def db_kind() -> str:
    kind = os.environ.get("UPRAVDOM_TEST_DB", "sqlite").strip().lower() or "sqlite"
    if kind not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"UPRAVDOM_TEST_DB must be sqlite or postgres, not {kind!r}")
    return kind


def pytest_report_header(config):
    return [f"upravdom binary: {upravdom_bin()}", f"database: {db_kind()}"]


# --------------------------------------------------------------------------- CLI


def run_cli(*args: str, db: str | None = None, check: bool = True, timeout: float = 60,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs `upravdom ARGS [--db URL]`; with check, fails the test on a non-zero exit."""
    binary = upravdom_bin()
    if not binary.exists():
        pytest.fail(f"upravdom binary not found at {binary} (build it or set UPRAVDOM_BIN)")
    cmd = [str(binary), *args]
    if db is not None:
        cmd += ["--db", db]
    full_env = dict(os.environ)
    full_env.pop("UPRAVDOM_DB", None)
    full_env.pop("UPRAVDOM_PORT", None)
    if env:
        full_env.update(env)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env)
    if check and p.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}")
    return p


def cli_id(*args: str, db: str) -> int:
    out = run_cli(*args, db=db).stdout.strip()
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].strip().isdigit(), \
        f"`upravdom {' '.join(args)}` should print one id line, printed {out!r}"
    return int(lines[0])


def cli_token(*args: str, db: str) -> str:
    out = run_cli(*args, db=db).stdout.strip()
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1 and len(lines[0].strip()) >= 16 and " " not in lines[0].strip(), \
        f"`upravdom {' '.join(args)}` should print one token line, printed {out!r}"
    return lines[0].strip()


# --------------------------------------------------------------------------- databases


class Database:
    """A fresh database for one module: a SQLite file, or a new PostgreSQL database."""

    def __init__(self, tmpdir: Path):
        self.kind = db_kind()
        self.tmpdir = tmpdir
        self._pg_admin_url: str | None = None
        self._pg_name: str | None = None
        if self.kind == "sqlite":
            d = tmpdir / f"db-{uuid.uuid4().hex[:8]}"
            d.mkdir()
            self.url = f"sqlite:{d / 'x.db'}"
        else:
            base = os.environ.get("UPRAVDOM_TEST_PG_URL", DEFAULT_PG_URL)
            name = f"upravdom_t_{uuid.uuid4().hex[:12]}"
            self._psql(base, f'CREATE DATABASE "{name}"')
            parts = urlsplit(base)
            # A query string is always present: it names the suite's connections in
            # pg_stat_activity, and the plain form `postgresql://u@h:p/db` is covered on its own
            # by test_cli.py::test_postgres_url_without_query_string.
            query = parts.query or "application_name=upravdom-tests"
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + name, query, ""))
            self._pg_admin_url, self._pg_name = base, name

    @staticmethod
    def _psql(url: str, sql: str) -> str:
        if not shutil.which("psql"):
            pytest.fail("psql not found (apt-get install postgresql-client)")
        p = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-At", "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            pytest.fail(f"psql {url} -c {sql!r} failed: {p.stderr}\n"
                        "(is the peer running? tests/peers/postgres.sh start)")
        return p.stdout

    def admin_sql(self, sql: str) -> str:
        """Runs SQL on the maintenance database (postgres mode only)."""
        assert self._pg_admin_url
        return self._psql(self._pg_admin_url, sql)

    def execute(self, sql: str) -> None:
        """Runs SQL on the module's own database, for state the API cannot set (e.g. a client's
        last visit to the resident app)."""
        if self.kind == "sqlite":
            import sqlite3
            con = sqlite3.connect(self.url[len("sqlite:"):], timeout=30)
            try:
                con.executescript(sql)
                con.commit()
            finally:
                con.close()
        else:
            self._psql(self.url, sql)

    @property
    def pg_name(self) -> str | None:
        return self._pg_name

    def drop(self) -> None:
        if self._pg_name:
            self._psql(self._pg_admin_url, f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)')


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_web_dir(root: Path) -> Path:
    web = root / "web"
    (web / "assets").mkdir(parents=True, exist_ok=True)
    (web / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (web / "assets" / "app-abc123.js").write_text(ASSET_JS, encoding="utf-8")
    return web


class ServerProcess:
    """`upravdom serve` on a free port; `stop()` sends SIGTERM and waits.

    `fetch_allow_private` (on by default): the import may fetch from loopback, where the
    suite's FTP and HTTP peers are (`--fetch-allow-private true`, as an on-premise install
    whose FTP server is on its LAN); off, the server's own default, refuses them."""

    def __init__(self, db_url: str, workdir: Path, web_dir: Path | None = None,
                 fetch_allow_private: bool = True, extra_env: dict[str, str] | None = None):
        self.db_url = db_url
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"server-{self.port}.log"
        cmd = [str(upravdom_bin()), "serve", "--db", db_url, "--port", str(self.port)]
        if web_dir is not None:
            cmd += ["--web", str(web_dir)]
        if fetch_allow_private:
            cmd += ["--fetch-allow-private", "true"]
        env = dict(os.environ)
        env.pop("UPRAVDOM_DB", None)
        env.pop("UPRAVDOM_PORT", None)
        env.pop("UPRAVDOM_FETCH_ALLOW_PRIVATE", None)
        env.update(extra_env or {})
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self.returncode: int | None = None
        self._wait_healthy()

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def _wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"upravdom serve exited {self.proc.returncode} at start:\n{self.log_tail()}")
            try:
                r = requests.get(self.base_url + "/healthz", timeout=2)
                if r.status_code == 200:
                    return
                last = f"{r.status_code} {r.text[:200]}"
            except requests.RequestException as e:
                last = str(e)
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"upravdom serve did not answer /healthz within {timeout}s ({last}):\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"upravdom did not exit {timeout}s after SIGTERM:\n{self.log_tail()}")
        self.returncode = self.proc.returncode
        self._log.close()
        return self.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()


@dataclass
class Org:
    id: int
    name: str
    users: dict[str, str] = field(default_factory=dict)  # role -> login (password PASSWORD)
    api_token: str = ""


@dataclass
class Env:
    """Everything a test module needs: the running server, its database and two seeded
    organisations: `a` (admin, operator, readonly + API token) and `b` (admin + API token)."""
    server: ServerProcess
    db: Database
    workdir: Path
    web_dir: Path
    a: Org
    b: Org
    password: str = PASSWORD

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def client(self, org: str = "a", role: str = "admin", **kw) -> Api:
        """A cookie-authenticated client (logged in now)."""
        o = getattr(self, org)
        api = Api(self.base_url, **kw)
        api.login(o.users[role], self.password)
        return api

    def token_client(self, org: str = "a") -> Api:
        return Api(self.base_url, bearer=getattr(self, org).api_token)

    def anonymous(self, **kw) -> Api:
        return Api(self.base_url, **kw)


def seed(db_url: str) -> tuple[Org, Org]:
    run_cli("migrate", db=db_url)
    suffix = uuid.uuid4().hex[:6]
    a = Org(id=cli_id("org", "create", f"УК «Альфа» {suffix}", db=db_url), name=f"УК «Альфа» {suffix}")
    b = Org(id=cli_id("org", "create", f"УК «Бета» {suffix}", db=db_url), name=f"УК «Бета» {suffix}")
    for org, key, roles in ((a, "a", ("admin", "operator", "readonly")), (b, "b", ("admin",))):
        for role in roles:
            login = f"{key}_{role}"
            cli_id("user", "create", "--org", str(org.id), "--login", login, "--password", PASSWORD,
                   "--role", role, "--name", f"Иванов Иван ({role})", db=db_url)
            org.users[role] = login
        org.api_token = cli_token("token", "create", "--org", str(org.id), "--name",
                                  f"Интеграция 1С {key}", db=db_url)
    return a, b


@pytest.fixture(scope="module")
def workdir():
    d = Path(tempfile.mkdtemp(prefix="upravdom-api-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def serve_module(workdir: Path, sms_sink: Path | None = None, fetch_allow_private: bool = True):
    """Yields the module's server: fresh database, seeded, serving with a test web dir; with
    `sms_sink`, the resident app's SMS go to that file (--sms-sink via the environment);
    `fetch_allow_private` as ServerProcess."""
    if not upravdom_bin().exists():
        pytest.fail(f"upravdom binary not found at {upravdom_bin()} (build it or set UPRAVDOM_BIN)")
    db = Database(workdir)
    saved = os.environ.get("UPRAVDOM_SMS_SINK")
    if sms_sink is not None:
        os.environ["UPRAVDOM_SMS_SINK"] = str(sms_sink)
    try:
        a, b = seed(db.url)
        web = make_web_dir(workdir)
        server = ServerProcess(db.url, workdir, web, fetch_allow_private=fetch_allow_private)
        e = Env(server=server, db=db, workdir=workdir, web_dir=web, a=a, b=b)
        yield e
        rc = server.stop()
        assert rc == 0, f"upravdom exited {rc} after SIGTERM:\n{server.log_tail()}"
    finally:
        if sms_sink is not None:
            if saved is None:
                os.environ.pop("UPRAVDOM_SMS_SINK", None)
            else:
                os.environ["UPRAVDOM_SMS_SINK"] = saved
        db.drop()


@pytest.fixture(scope="module")
def env(workdir):
    """The module's server: fresh database, seeded, serving with a test web dir."""
    yield from serve_module(workdir)


@pytest.fixture(scope="module")
def admin(env) -> Api:
    return env.client("a", "admin")


@pytest.fixture(scope="module")
def operator(env) -> Api:
    return env.client("a", "operator")


@pytest.fixture(scope="module")
def readonly(env) -> Api:
    return env.client("a", "readonly")


@pytest.fixture(scope="module")
def integration(env) -> Api:
    return env.token_client("a")


@pytest.fixture(scope="module")
def admin_b(env) -> Api:
    return env.client("b", "admin")
