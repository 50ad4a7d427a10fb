"""The command line: migrate, org/user/token create, routes, serve, and its error exits."""

import re
import socket
import subprocess
import time

import pytest

from conftest import Database, cli_id, cli_token, run_cli, upravdom_bin

UNREACHABLE_PG = "postgresql://nobody@127.0.0.1:1/x"


@pytest.fixture(scope="module")
def db(workdir):
    d = Database(workdir)
    try:
        run_cli("migrate", db=d.url)
        yield d
    finally:
        d.drop()


def assert_clean_failure(p: subprocess.CompletedProcess):
    assert p.returncode > 0, f"expected a non-zero exit (not a crash): {p.returncode}\n{p.stderr}"
    assert p.stderr.strip(), "a failure must say why on stderr"
    assert "terminate called" not in p.stderr and "Segmentation" not in p.stderr, p.stderr
    assert "AddressSanitizer" not in p.stderr, p.stderr


def test_no_arguments(db):
    p = run_cli(check=False)
    assert p.returncode > 0, p
    assert (p.stdout + p.stderr).strip(), "print the usage"



def test_unknown_subcommand(db):
    p = run_cli("frobnicate", db=db.url, check=False)
    assert_clean_failure(p)
    assert "frobnicate" in p.stderr, p.stderr


def test_unknown_option(db):
    assert_clean_failure(run_cli("migrate", "--no-such-option", db=db.url, check=False))


@pytest.mark.parametrize("before", [False, True])
def test_migrate_unreachable_postgres(before):
    args = ("--db", UNREACHABLE_PG, "migrate") if before else ("migrate", "--db", UNREACHABLE_PG)
    t0 = time.monotonic()
    p = run_cli(*args, check=False, timeout=60)
    assert_clean_failure(p)
    assert time.monotonic() - t0 < 30, "must give up quickly on a refused connection"
    assert UNREACHABLE_PG not in p.stdout


def test_postgres_url_without_query_string(db):
    """The documented URL form `postgresql://user@host:port/db` (no `?…`) must work."""
    if db.kind != "postgres":
        pytest.skip("PostgreSQL only")
    plain = db.url.split("?", 1)[0]
    p = run_cli("migrate", db=plain, check=False)
    assert p.returncode == 0, f"migrate --db {plain} exited {p.returncode}: {p.stderr}"
    p = run_cli("org", "create", "УК «Простой адрес»", db=plain, check=False)
    assert p.returncode == 0 and p.stdout.strip().isdigit(), p.stderr


def test_migrate_bad_sqlite_path():
    assert_clean_failure(run_cli("migrate", db="sqlite:/nonexistent-dir/sub/x.db", check=False))


def test_migrate_bad_url_scheme():
    assert_clean_failure(run_cli("migrate", db="mysql://root@127.0.0.1/x", check=False))


def test_migrate_is_idempotent(db):
    run_cli("migrate", db=db.url)
    run_cli("migrate", db=db.url)


def test_db_from_environment(db):
    p = run_cli("org", "create", "УК из окружения", env={"UPRAVDOM_DB": db.url})
    assert p.stdout.strip().isdigit()


def test_org_user_token_create(db):
    org = cli_id("org", "create", "УК «Тест CLI»", db=db.url)
    org2 = cli_id("org", "create", "УК «Тест CLI 2»", db=db.url)
    assert org != org2
    u1 = cli_id("user", "create", "--org", str(org), "--login", "cli_admin", "--password", "secret-1",
                "--role", "admin", "--name", "Петров Пётр Петрович", db=db.url)
    u2 = cli_id("user", "create", "--org", str(org), "--login", "cli_ro", "--password", "secret-2",
                "--role", "readonly", db=db.url)
    u3 = cli_id("user", "create", "--org", str(org2), "--login", "cli_op", "--password", "secret-3",
                "--role", "operator", db=db.url)
    assert len({u1, u2, u3}) == 3
    t1 = cli_token("token", "create", "--org", str(org), "--name", "1С", db=db.url)
    t2 = cli_token("token", "create", "--org", str(org), "--name", "1С", db=db.url)
    assert t1 != t2


def test_user_create_bad_role(db):
    org = cli_id("org", "create", "УК «Роли»", db=db.url)
    for role in ("superuser", "integration", ""):
        p = run_cli("user", "create", "--org", str(org), "--login", f"bad_role_{len(role)}", "--password", "Пароль-хороший-1",
                    "--role", role, db=db.url, check=False)
        assert_clean_failure(p)


def test_user_create_errors(db):
    org = cli_id("org", "create", "УК «Ошибки»", db=db.url)
    # unknown organisation
    assert_clean_failure(run_cli("user", "create", "--org", "987654321", "--login", "ghost", "--password", "Пароль-хороший-1",
                                 "--role", "admin", db=db.url, check=False))
    # missing password
    assert_clean_failure(run_cli("user", "create", "--org", str(org), "--login", "nopass", "--role", "admin",
                                 db=db.url, check=False))
    # duplicate login
    cli_id("user", "create", "--org", str(org), "--login", "twice", "--password", "Пароль-хороший-1", "--role", "admin",
           db=db.url)
    assert_clean_failure(run_cli("user", "create", "--org", str(org), "--login", "twice", "--password", "Пароль-хороший-2",
                                 "--role", "admin", db=db.url, check=False))


def test_token_create_unknown_org(db):
    assert_clean_failure(run_cli("token", "create", "--org", "987654321", "--name", "x", db=db.url, check=False))


def test_org_create_without_name(db):
    assert_clean_failure(run_cli("org", "create", db=db.url, check=False))


def test_routes():
    p = run_cli("routes")
    lines = [ln.strip() for ln in p.stdout.splitlines() if ln.strip()]
    assert lines
    for ln in lines:
        assert re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) /\S*", ln), ln
    assert "GET /api/v1/objects/{object_id}/entrances/{id}" in lines
    assert len(lines) == len(set(lines)), "routes listed twice"


def test_serve_port_in_use(db, workdir):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        p = subprocess.run([str(upravdom_bin()), "serve", "--db", db.url, "--port", str(port)],
                           capture_output=True, text=True, timeout=30)
    assert_clean_failure(p)


def test_serve_bad_port(db):
    for port in ("abc", "70000", "-1"):
        p = subprocess.run([str(upravdom_bin()), "serve", "--db", db.url, "--port", port],
                           capture_output=True, text=True, timeout=30)
        assert_clean_failure(p)

