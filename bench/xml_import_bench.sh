#!/usr/bin/env bash
# Measures the XML import from FTP (issue 7, «Speed»; docs/import-xml.md) and prints the
# figures beside the targets (no pass/fail):
#   (1) parse only: ReadXmlHeader + ForEachXmlRecord over the file, no engine, no database
#       (build/…/xml_parse_bench FILE) — what the XML part costs;
#   (2) fetch + parse: the same after FetchToTempFile from the local FTP server;
#   (3) end to end in the server: «Запустить сейчас» (POST /api/v1/exchange/import/run) with
#       the organisation's FTP settings pointing at the file: the server fetches it from a
#       local pyftpdlib, checks it, and imports it through the engine into an empty
#       organisation on SQLite; timed from the request to the operation's end (polling the
#       exchange log every 250 ms); records/s (target ≥ 15,000) and the server's RSS before /
#       peak / after, sampled every 100 ms (growth target ≤ 100 MB).
# The file: N consolidated records (default 100,000) — a flat with areas and rooms, one owner
# with a phone and a share, one personal account — the records of bench/import_bench.sh,
# written as XML (docs/import-xml.xsd).
#
# Usage: bench/xml_import_bench.sh [--records N] [--keep]
# Needs: the server (UPRAVDOM_BIN, default build/release/upravdom) and xml_parse_bench beside
#   it (XML_PARSE_BENCH; cmake --build <dir> --target upravdom xml_parse_bench), Debian's
#   /usr/bin/python3 with python3-pyftpdlib, curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${UPRAVDOM_BIN:-$root/build/release/upravdom}"
parse="${XML_PARSE_BENCH:-$(dirname "$bin")/xml_parse_bench}"
python=/usr/bin/python3
records=100000
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --records) records=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "$bin missing: cmake --build … --target upravdom" >&2; exit 1; }
[[ -x $parse ]] || { echo "$parse missing: cmake --build … --target xml_parse_bench" >&2; exit 1; }
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [[ $keep -eq 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

db="sqlite:$work/bench.db"
password='Пароль-бенча-1'
"$bin" migrate --db "$db" >/dev/null 2>>"$work/cli.log"
org=$("$bin" org create "УК «XML-бенч»" --db "$db" 2>>"$work/cli.log")
"$bin" user create --org "$org" --login bench --password "$password" --role admin \
  --db "$db" >/dev/null 2>>"$work/cli.log"
token=$("$bin" token create --org "$org" --name bench --db "$db" 2>>"$work/cli.log")
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# --fetch-allow-private: the FTP peer is on loopback.
UPRAVDOM_SECRET_KEY_FILE="$work/secret.key" \
  "$bin" serve --db "$db" --port "$port" --log-level warn --fetch-allow-private true \
  2>"$work/server.log" &
server=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done

echo "== XML import bench: $records consolidated records, SQLite, $(nproc) CPUs"
BENCH_WORK=$work BENCH_URL="http://127.0.0.1:$port" BENCH_TOKEN=$token BENCH_PID=$server \
BENCH_RECORDS=$records BENCH_PARSE=$parse BENCH_PASSWORD=$password BENCH_ROOT=$root \
  "$python" - <<'PY'
import http.client, json, os, subprocess, sys, threading, time
from pathlib import Path
from xml.sax.saxutils import quoteattr

root = Path(os.environ["BENCH_ROOT"])
sys.path[:0] = [str(root / "bench"), str(root / "tests" / "api")]
from import_client import Api, RssSampler, inn10, make_records, rss_mb  # noqa: E402
from peers import start_ftp  # noqa: E402

work = Path(os.environ["BENCH_WORK"])
url, token, pid = os.environ["BENCH_URL"], os.environ["BENCH_TOKEN"], int(os.environ["BENCH_PID"])
n = int(os.environ["BENCH_RECORDS"])
parse = os.environ["BENCH_PARSE"]

# ---- set-up (untimed): objects and a legal entity through the API, the file
api = Api(url, token)
k = max(1, n // 250)
t0 = time.perf_counter()
objects = [api.create("/api/v1/objects", {"name": f"ЖК «XML» корпус {j + 1}", "city": "Москва",
                                          "street": "ул. Бенчмарковая", "house": f"{j + 1}"})["id"]
           for j in range(k)]
inn = inn10(4242)
api.create("/api/v1/legal-entities", {"name": "ООО «Расчётный центр XML»", "inn": inn})


def attrs(d):
    return " ".join(f"{key}={quoteattr(str(v))}" for key, v in d.items())


ftp_root = work / "ftp"
(ftp_root / "bench").mkdir(parents=True)
xml_path = ftp_root / "bench" / "offers.xml"
with open(xml_path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<upravdom-import version="1" space="operations" source="bench">\n')
    for rec in make_records(n, objects, inn, changed=False):
        f.write(f"  <record>\n    <premise {attrs(rec['premise'])}/>\n    <clients>\n"
                + "".join(f"      <client {attrs(c)}/>\n" for c in rec["clients"])
                + "    </clients>\n    <accounts>\n"
                + "".join(f"      <account {attrs(a)}/>\n" for a in rec["accounts"])
                + "    </accounts>\n  </record>\n")
    f.write("</upravdom-import>\n")
size_mb = xml_path.stat().st_size / 1e6
print(f"   set-up: {k} objects, 1 legal entity, the file {size_mb:.1f} MB "
      f"in {time.perf_counter() - t0:.1f} s")

# ---- (1) parse only, (2) fetch + parse
one = json.loads(subprocess.run([parse, str(xml_path)], check=True, capture_output=True,
                                text=True).stdout)
print(f"(1) parse only (no engine):  check {one['header_s']:.2f} s + records {one['records_s']:.2f} s"
      f" = {one['parse_rate']:,.0f} records/s; process RSS {one['rss_start_mb']:.0f} → peak "
      f"{one['rss_peak_mb']:.0f} MB for a {size_mb:.0f} MB file")
ftp = start_ftp(ftp_root, "bench", "ftp-bench-1")
try:
    two = json.loads(subprocess.run(
        [parse, "--ftp", "127.0.0.1", str(ftp.port), "bench", "ftp-bench-1", "/bench/offers.xml"],
        check=True, capture_output=True, text=True).stdout)
    fetch_rate = two["bytes"] / 1e6 / two["fetch_s"]
    total = two["fetch_s"] + two["header_s"] + two["records_s"]
    print(f"(2) fetch + parse:           fetch {two['fetch_s']:.2f} s ({fetch_rate:.0f} MB/s) + "
          f"parse {two['header_s'] + two['records_s']:.2f} s = {n / total:,.0f} records/s")

    # ---- (3) end to end in the server: «Запустить сейчас»
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=3600)

    def call(method, path, body=None, headers=None):
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = cookie
            if method != "GET":
                h["X-CSRF-Token"] = csrf
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None), r

    cookie, csrf = "", ""
    status, login, resp = call("POST", "/api/v1/auth/login",
                               {"login": "bench", "password": os.environ["BENCH_PASSWORD"]})
    assert status == 200, (status, login)
    cookie = "; ".join(c.split(";")[0] for c in resp.headers.get_all("Set-Cookie") or [])
    csrf = login["csrf_token"]
    status, body, _ = call("PUT", "/api/v1/exchange/settings", {
        "ftp_host": "127.0.0.1", "ftp_port": ftp.port, "ftp_user": "bench",
        "ftp_password": "ftp-bench-1", "ftp_passive": True, "ftp_tls": False, "method": "links",
        "report_emails": [], "paths": ["/bench/offers.xml"], "delete_after_read": False,
        "schedule_minute": "0", "schedule_hour": "3", "schedule_day": "*", "schedule_month": "*",
        "schedule_weekday": "*", "schedule_enabled": False})
    assert status == 200, (status, body)
    _, ops, _ = call("GET", "/api/v1/exchange/operations?limit=1")
    last_id = ops["items"][0]["id"] if ops["items"] else 0
    with RssSampler(pid) as rss:
        t0 = time.perf_counter()
        status, body, _ = call("POST", "/api/v1/exchange/import/run")
        assert status == 202, (status, body)
        op = None
        while True:
            time.sleep(0.25)
            _, ops, _ = call("GET", "/api/v1/exchange/operations?limit=5")
            mine = [o for o in ops["items"] if o["id"] > last_id]
            if mine and mine[0]["status"] != "running":
                op = mine[0]
                break
        elapsed = time.perf_counter() - t0
    counts = op["counts"]
    rate = counts.get("processed", 0) / elapsed
    print(f"(3) end to end (server, FTP → check → engine): {counts.get('processed')} records in "
          f"{elapsed:.1f} s = {rate:,.0f} records/s (target ≥ 15,000); status {op['status']}, "
          f"created {counts.get('created')}, errors {counts.get('errors')}")
    if op["status"] == "failed":
        print(f"    message: {op.get('message')}")
    print(f"    server RSS: {rss.before:.0f} MB before, peak {rss.peak:.0f} MB, {rss.after:.0f} MB "
          f"after: growth {rss.peak - rss.before:.0f} MB (target ≤ 100 MB)")
    engine_s = elapsed - total
    print(f"    of which (from 1–2): fetch + XML ≈ {total:.1f} s, the engine and the database ≈ "
          f"{engine_s:.1f} s ({n / engine_s if engine_s > 0 else 0:,.0f} records/s)")
finally:
    ftp.stop()
PY
