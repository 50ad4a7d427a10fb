"""Graceful shutdown: on SIGTERM the server stops accepting, finishes the requests in flight
(here: slow logins, argon2 takes ~100 ms each) and exits 0."""

import json
import signal
import socket
import threading
import time

import pytest
import requests

from conftest import Database, ServerProcess, cli_id, make_web_dir, run_cli

USERS = 4  # logins are spread over a few users so that none is throttled


@pytest.fixture
def fresh_server(workdir):
    db = Database(workdir)
    try:
        run_cli("migrate", db=db.url)
        org = cli_id("org", "create", "УК «Выключение»", db=db.url)
        for i in range(USERS):
            cli_id("user", "create", "--org", str(org), "--login", f"slow{i}", "--password", "Пароль-1",
                   "--role", "operator", db=db.url)
        server = ServerProcess(db.url, workdir, make_web_dir(workdir))
        yield server
        server.kill()
    finally:
        db.drop()


def _concurrent_logins_then_sigterm(server, count):
    results: dict[int, object] = {}
    done_at: dict[int, float] = {}

    def login(i):
        try:
            r = requests.post(server.base_url + "/api/v1/auth/login",
                              json={"login": f"slow{i % USERS}", "password": "Пароль-1"}, timeout=30)
            results[i] = r.status_code
        except requests.RequestException as e:  # reported below
            results[i] = repr(e)
        done_at[i] = time.monotonic()

    threads = [threading.Thread(target=login, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    time.sleep(0.02)  # the requests are sent; their password hashing (~30 ms) is under way
    sigterm_at = time.monotonic()
    rc = server.stop(timeout=20)
    for t in threads:
        t.join(timeout=30)
    assert results == {i: 200 for i in range(count)}, \
        f"requests sent before SIGTERM must still be answered: {results}\n{server.log_tail()}"
    assert any(t > sigterm_at for t in done_at.values()), \
        "no request was still in flight at SIGTERM: the test proved nothing (make the logins slower)"
    assert rc == 0, f"exit code after SIGTERM: {rc}\n{server.log_tail()}"


def test_sigterm_finishes_requests_in_flight(fresh_server):
    _concurrent_logins_then_sigterm(fresh_server, 3)


def test_sigterm_finishes_more_requests_than_server_threads(fresh_server):
    # more concurrent requests than the server has threads (4 by default): the ones still
    # waiting for a thread were sent before SIGTERM too and must be answered, not reset
    _concurrent_logins_then_sigterm(fresh_server, 16)


def test_sigterm_waits_for_a_request_still_arriving(fresh_server):
    """A request whose body is still arriving at SIGTERM is in flight: it gets its answer."""
    server = fresh_server
    body = json.dumps({"login": "slow0", "password": "Пароль-1"}).encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    try:
        sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
        time.sleep(0.2)  # the server has the headers and part of the body
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        try:
            sock.sendall(body[10:])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, BrokenPipeError) as e:
            answer = repr(e).encode()
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 200"), \
        f"a request being received at SIGTERM was dropped: {answer[:200]!r}\n{server.log_tail()}"
    assert server.stop(timeout=15) == 0


def test_sigterm_when_idle_exits_zero_and_stops_listening(fresh_server):
    server = fresh_server
    assert requests.get(server.base_url + "/healthz", timeout=5).status_code == 200
    t0 = time.monotonic()
    assert server.stop(timeout=10) == 0, server.log_tail()
    assert time.monotonic() - t0 < 5, "an idle server should stop at once"
    with pytest.raises(requests.ConnectionError):
        requests.get(server.base_url + "/healthz", timeout=2)


def test_sigterm_with_idle_keepalive_connection(fresh_server):
    server = fresh_server
    s = requests.Session()  # keeps its connection open after the answer
    assert s.get(server.base_url + "/healthz", timeout=5).status_code == 200
    t0 = time.monotonic()
    assert server.stop(timeout=15) == 0, server.log_tail()
    assert time.monotonic() - t0 < 10, "an idle keep-alive connection must not hold up the shutdown"
    s.close()
