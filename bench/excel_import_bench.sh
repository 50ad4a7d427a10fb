#!/usr/bin/env bash
# Measures the Excel import (issue 7, «Speed»: 50,000 rows ≤ 10 s; docs/import-excel.md) on
# SQLite and prints, with no pass/fail:
#   - the time to read the file (zip checks, the sheet's XML, rows → records: the answer's
#     timing.read_seconds), the import engine's time (timing.engine_seconds) and the wall time
#     of the request (upload included);
#   - the same for a dry run («Проверить») and for the same file again (everything unchanged);
#   - the server's RSS before and at its peak during each request.
# The sheet: N rows (default 50,000) = N/2 flats, each with two owner rows (the first with a
# personal account), in the template's columns; the objects and the legal entity are created
# through the API first (untimed).
#
# Usage: bench/excel_import_bench.sh [--rows N]
# Needs: the server binary (UPRAVDOM_BIN, default build/release/upravdom), Debian's
#   /usr/bin/python3 (with requests), curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${UPRAVDOM_BIN:-$root/build/release/upravdom}"
python=/usr/bin/python3
rows=50000
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "$bin missing (set UPRAVDOM_BIN or build build/release)" >&2; exit 1; }
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite:$work/excel.db"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" migrate --db "$db" >/dev/null 2>"$work/cli.log"
org=$("$bin" org create "УК «Бенчмарк Excel» $(date +%s%N)" --db "$db" 2>>"$work/cli.log")
token=$("$bin" token create --org "$org" --name "Бенчмарк Excel" --db "$db" 2>>"$work/cli.log")
"$bin" serve --db "$db" --port "$port" --log-level warn 2>"$work/server.log" &
server=$!
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done

echo "== $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$port" "$token" "$server" "$rows" "$work" <<'PY'
import io, json, sys, threading, time, zipfile
from xml.sax.saxutils import escape
import requests

port, token, pid, rows, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
base = f"http://127.0.0.1:{port}"
s = requests.Session()
s.headers["Authorization"] = f"Bearer {token}"

def create(path, body):
    r = s.post(base + path, json=body)
    assert r.status_code == 201, (path, r.status_code, r.text[:300])
    return r.json()

flats = rows // 2
objects = [create("/api/v1/objects", {"name": f"ЖК «Excel» корпус {j + 1}", "city": "Москва",
                                      "street": "ул. Бенчмарковая", "house": str(j + 1)})["id"]
           for j in range(max(1, flats // 250))]
inn = "7707083893"
create("/api/v1/legal-entities", {"name": "ООО «Расчётный центр»", "inn": inn})

HEADERS = ["ID объекта", "Тип помещения", "Номер помещения", "Общая площадь, м²", "Комнат",
           "Внешний ID помещения", "Внешний ID клиента", "Фамилия", "Имя", "Телефон", "Роль",
           "Доля", "ИНН юрлица ЛС", "Номер ЛС"]

def cell(ref, v):
    if v is None or v == "":
        return ""
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

def letters(i):
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out

cols = [letters(i) for i in range(len(HEADERS))]
t0 = time.monotonic()
parts = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
parts.append('<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip(cols, HEADERS)) + "</row>")
r = 1
for i in range(flats):
    obj = objects[i % len(objects)]
    for owner in range(2):
        r += 1
        values = [obj, "Квартира", str(i // len(objects) + 1), 54.3, 2, f"XP-{i}", f"XC-{i}-{owner}",
                  "Иванов" if owner == 0 else "Иванова", "Иван" if owner == 0 else "Мария",
                  f"+7 9{(i * 2 + owner) % 10**9:09d}", "Собственник", "1/2",
                  inn if owner == 0 else "", f"{i:09d}" if owner == 0 else ""]
        parts.append(f'<row r="{r}">' + "".join(cell(f"{c}{r}", v) for c, v in zip(cols, values)) + "</row>")
parts.append("</sheetData></worksheet>")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Данные" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", "".join(parts))
content = buf.getvalue()
sheet_mb = sum(len(p) for p in parts) / 2**20
print(f"== sheet: {rows} rows ({flats} flats × 2 owners, one account each), "
      f"{len(content) / 2**20:.1f} MB .xlsx ({sheet_mb:.0f} MB of sheet XML); generated in {time.monotonic() - t0:.1f} s")

def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def run(label, dry_run):
    peak = [rss_mb()]
    before = peak[0]
    done = threading.Event()
    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.1)
    th = threading.Thread(target=sample)
    th.start()
    t = time.monotonic()
    r = s.post(base + "/api/v1/exchange/excel", files={"file": ("bench.xlsx", content)},
               data={"dry_run": "true" if dry_run else "false"}, timeout=3600)
    wall = time.monotonic() - t
    done.set()
    th.join()
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    c = body["counts"]
    tm = body["timing"]
    print(f"{label:<28} wall {wall:6.2f} s = read {tm['read_seconds']:5.2f} s + engine {tm['engine_seconds']:6.2f} s"
          f" (+ upload/answer {wall - tm['read_seconds'] - tm['engine_seconds']:4.2f} s); {c['records']} records, "
          f"{c['records'] / tm['engine_seconds']:,.0f} records/s in the engine; status {body['status']}, "
          f"created {c['created']}, unchanged {c['unchanged']}, errors {c['errors']}; "
          f"RSS {before:.0f} → peak {peak[0]:.0f} MB")
    return wall

print(f"   target: {rows} rows ≤ 10 s")
run("dry run («Проверить»)", True)
run("import, empty organisation", False)
run("same file again (unchanged)", False)
PY
