#!/usr/bin/python3
"""HTTP client of bench/import_bench.sh: times `POST /api/v1/exchange/import` (issue 6,
section «Speed», docs/import-api.md) on a running server and samples the server's RSS.

  import_client.py run --url URL --token TOKEN --label NAME --json OUT --server-pid PID
                       [--records N] [--phases a,b,c,d] [--objects K] [--max-body BYTES]
  import_client.py report A.json [B.json …]
  import_client.py body [--records N] [--objects K] > FILE   (the batch of phase a, for
                       build/release/json_parse_bench)

`run` creates K objects (default N/250) and one legal entity through the API (untimed),
generates N consolidated records (a flat + one owner with a phone + the owner link with a
share + one personal account of the legal entity) and runs the phases:
  a — the batch into the organisation (everything created);
  b — the same batch again (everything unchanged);
  c — every record's fields changed (premise areas and rooms, the owner's names and e-mail,
      the account's ЕЛС): real updates;
  d — a dry run of the batch of phase a (after c: every record plans an update).
Each phase is timed from the first byte sent to the last byte of the answer; a batch whose
body is over the import's 64 MB limit is sent as several requests (reported). While a phase
runs the server's VmRSS is read from /proc/PID/status every 100 ms.

Only the Python standard library (Debian's /usr/bin/python3).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

IMPORT = "/api/v1/exchange/import"
BODY_LIMIT = 64 * 1000 * 1000  # the contract says 64 MB; stay under both 64 MB and 64 MiB

TARGETS = {  # phase → (title, target records/s or None)
    "a": ("import into the empty organisation", 20_000),
    "b": ("the same batch again (all unchanged)", 20_000),
    "c": ("every record changed (real updates)", None),
    "d": ("dry run", 50_000),
}

LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"]
FIRST = ["Иван", "Пётр", "Алексей", "Сергей", "Андрей", "Дмитрий", "Михаил", "Николай"]
FIRST2 = ["Олег", "Юрий", "Артём", "Степан", "Роман", "Глеб", "Егор", "Тимур"]
MIDDLE = ["Иванович", "Петрович", "Сергеевич", "Андреевич"]
MIDDLE2 = ["Олегович", "Юрьевич", "Романович", "Глебович"]


# --------------------------------------------------------------------------- HTTP


class Api:
    def __init__(self, url: str, token: str):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.token = token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=3600)

    def request(self, method: str, path: str, body: bytes | None = None):
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=3600)
        raise AssertionError("unreachable")

    def create(self, path: str, body: dict) -> dict:
        status, payload = self.request("POST", path, json.dumps(body).encode())
        if status != 201:
            raise SystemExit(f"POST {path}: {status} {payload[:300]!r}")
        return json.loads(payload)


def inn10(n: int) -> str:
    base = f"{(770200000 + n) % 10**9:09d}"
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return base + str(sum(int(d) * w for d, w in zip(base, weights)) % 11 % 10)


# --------------------------------------------------------------------------- RSS


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler:
    """Reads the server's VmRSS every 100 ms while running."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.1)

    def __enter__(self):
        self.before = rss_mb(self.pid)
        self.peak = self.before
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = rss_mb(self.pid)
        self.peak = max(self.peak, self.after)


# --------------------------------------------------------------------------- the batch


def make_records(n: int, objects: list[int], inn: str, changed: bool) -> list[dict]:
    k = len(objects)
    out = []
    for i in range(n):
        owner = {"external_id": f"IMP-C-{i}", "last_name": LAST[i % len(LAST)],
                 "first_name": (FIRST2 if changed else FIRST)[i % 8],
                 "middle_name": (MIDDLE2 if changed else MIDDLE)[i % 4],
                 "phone": f"+7998{i:07d}", "role": "owner", "share": "1/1"}
        if changed:
            owner["email"] = f"owner{i}@example.ru"
        acc = {"external_id": f"IMP-A-{i}", "legal_entity_inn": inn, "number": f"{i:09d}"}
        if changed:
            acc["unified_account"] = f"{i % 90 + 10:02d}АБ{i % 1000000:06d}"
        area = 30 + i % 70 + (1 if changed else 0)
        out.append({"premise": {"external_id": f"IMP-P-{i}", "object_id": objects[i % k], "type": "flat",
                                "number": str(i // k + 1), "total_area": area + 0.5,
                                "living_area": round(area * 0.6, 1), "rooms": 1 + (i + changed) % 4},
                    "clients": [owner], "accounts": [acc]})
    return out


def bodies(records: list[dict], dry_run: bool, max_body: int) -> list[bytes]:
    """The batch as one body, or as several (each under max_body) when it is larger."""
    parts = 1
    while True:
        size = (len(records) + parts - 1) // parts
        out = [json.dumps({"source": "1c", "dry_run": dry_run, "records": records[j:j + size]},
                          ensure_ascii=False, separators=(",", ":")).encode()
               for j in range(0, len(records), size)]
        if max(len(b) for b in out) <= max_body:
            return out
        parts += 1


# --------------------------------------------------------------------------- run


def cpu_seconds(pid: int) -> float:
    """The server's user + system CPU time so far (all its threads): on a shared virtual
    machine it moves far less from run to run than the wall time, which other guests'
    load stretches."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(api: Api, pid: int, name: str, records: list[dict], dry_run: bool, max_body: int) -> dict:
    parts = bodies(records, dry_run, max_body)
    totals: dict[str, int] = {}
    statuses = []
    cpu_before = cpu_seconds(pid)
    with RssSampler(pid) as rss:
        start = time.perf_counter()
        for body in parts:
            status, payload = api.request("POST", IMPORT, body)
            if status != 200:
                raise SystemExit(f"phase {name}: {status} {payload[:500]!r}")
            answer = json.loads(payload)
            statuses.append(answer["status"])
            for key, value in answer["counts"].items():
                totals[key] = totals.get(key, 0) + value
            if answer["status"] == "failed":
                print(f"phase {name}: failed: {answer['errors'][:3]}", file=sys.stderr)
        seconds = time.perf_counter() - start
    cpu = cpu_seconds(pid) - cpu_before
    result = {"phase": name, "records": len(records), "seconds": seconds, "rate": len(records) / seconds,
              "server_cpu_seconds": cpu,
              "requests": len(parts), "body_bytes": [len(b) for b in parts], "statuses": statuses,
              "counts": totals, "rss_before": rss.before, "rss_peak": rss.peak, "rss_after": rss.after}
    print(f"   {name}: {len(records)} records in {seconds:.1f} s = {result['rate']:,.0f} rec/s; "
          f"{len(parts)} request(s) of {', '.join(f'{len(b) / 1e6:.1f} MB' for b in parts)}; "
          f"status {'/'.join(sorted(set(statuses)))}; server CPU {cpu:.1f} s "
          f"({len(records) / cpu:,.0f} rec per CPU-s); RSS {rss.before:.0f} → peak {rss.peak:.0f} → "
          f"{rss.after:.0f} MB", file=sys.stderr)
    return result


def cmd_run(args) -> None:
    api = Api(args.url, args.token)
    n = args.records
    k = args.objects or max(1, n // 250)
    t0 = time.perf_counter()
    suffix = int(time.time()) % 100000
    objects = [api.create("/api/v1/objects", {"name": f"ЖК «Импорт» корпус {j + 1}", "city": "Москва",
                                              "street": "ул. Бенчмарковая", "house": f"{j + 1}к{suffix % 9 + 1}"})["id"]
               for j in range(k)]
    inn = inn10(suffix)
    api.create("/api/v1/legal-entities", {"name": f"ООО «Расчётный центр {suffix}»", "inn": inn})
    print(f"   set-up: {k} objects, 1 legal entity in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    base = make_records(n, objects, inn, changed=False)
    changed = make_records(n, objects, inn, changed=True) if "c" in args.phases else None
    report = {"label": args.label, "records": n, "objects": k, "phases": [],
              "rss_start": rss_mb(args.server_pid)}
    for phase in args.phases.split(","):
        if phase == "a":
            report["phases"].append(run_phase(api, args.server_pid, "a", base, False, args.max_body))
        elif phase == "b":
            report["phases"].append(run_phase(api, args.server_pid, "b", base, False, args.max_body))
        elif phase == "c":
            report["phases"].append(run_phase(api, args.server_pid, "c", changed, False, args.max_body))
        elif phase == "d":
            report["phases"].append(run_phase(api, args.server_pid, "d", base, True, args.max_body))
        else:
            raise SystemExit(f"unknown phase {phase}")
    report["rss_end"] = rss_mb(args.server_pid)
    with open(args.json, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)


def cmd_report(args) -> None:
    reports = [json.load(open(p)) for p in args.files]
    print("\n== import (POST /api/v1/exchange/import), consolidated records: flat + owner + link + account")
    print(f"{'run':<28} {'phase':<40} {'records':>8} {'s':>7} {'rec/s':>9} {'target':>9}  "
          f"{'RSS before/peak/after MB':>26}  counts")
    rate_a = {}
    for r in reports:
        for ph in r["phases"]:
            title, target = TARGETS[ph["phase"]]
            if r.get("big_org_of"):
                base = rate_a.get(r["big_org_of"])
                target_text = f"≥{base / 2:,.0f}" if base else "½ of (a)"
                title = "(f) (a) into an org with 1M clients"
            else:
                target_text = f"≥{target:,}" if target else "—"
                title = f"({ph['phase']}) " + title
            if ph["phase"] == "a" and not r.get("big_org_of"):
                rate_a[r["label"]] = ph["rate"]
            mark = ""
            if target and not r.get("big_org_of"):
                mark = " ok" if ph["rate"] >= target else " MISS"
            elif r.get("big_org_of") and rate_a.get(r["big_org_of"]):
                mark = " ok" if ph["rate"] >= rate_a[r["big_org_of"]] / 2 else " MISS"
            counts = ph["counts"]
            brief = ", ".join(f"{k} {counts[k]}" for k in ("created", "updated", "unchanged", "errors")
                              if counts.get(k))
            split = f" [{ph['requests']} requests]" if ph["requests"] > 1 else ""
            print(f"{r['label']:<28} {title[:40]:<40} {ph['records']:>8} {ph['seconds']:>7.1f} "
                  f"{ph['rate']:>9,.0f} {target_text:>9}{mark:<5} "
                  f"{ph['rss_before']:>8.0f}/{ph['rss_peak']:.0f}/{ph['rss_after']:.0f}  {brief}{split}")
        peak = max(ph["rss_peak"] for ph in r["phases"])
        growth = peak - r["rss_start"]
        print(f"{'':<28} (e) server RSS: {r['rss_start']:.0f} MB at start, peak {peak:.0f} MB, "
              f"{r['rss_end']:.0f} MB at the end: growth {growth:.0f} MB (target ≤ 200 MB"
              f"{': ok' if growth <= 200 else ': MISS'})")
        sizes = sorted({b for ph in r["phases"] for b in ph["body_bytes"]})
        print(f"{'':<28} request bodies: {', '.join(f'{s / 1e6:.1f} MB' for s in sizes)}")


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--url", required=True)
    run.add_argument("--token", required=True)
    run.add_argument("--label", required=True)
    run.add_argument("--json", required=True)
    run.add_argument("--server-pid", type=int, required=True)
    run.add_argument("--records", type=int, default=100_000)
    run.add_argument("--objects", type=int, default=0)
    run.add_argument("--phases", default="a,b,c,d")
    run.add_argument("--max-body", type=int, default=BODY_LIMIT)
    run.add_argument("--big-org-of", default="", help="label of the run whose (a) this one is compared with")
    rep = sub.add_parser("report")
    rep.add_argument("files", nargs="+")
    body = sub.add_parser("body", help="print the batch of phase a as one body (for json_parse_bench)")
    body.add_argument("--records", type=int, default=100_000)
    body.add_argument("--objects", type=int, default=400)
    args = p.parse_args()
    if args.cmd == "body":
        records = make_records(args.records, list(range(1, args.objects + 1)), inn10(0), changed=False)
        sys.stdout.buffer.write(bodies(records, False, 1 << 62)[0])
        return
    if args.cmd == "run":
        cmd_run(args)
        if args.big_org_of:
            with open(args.json) as f:
                r = json.load(f)
            r["big_org_of"] = args.big_org_of
            with open(args.json, "w") as f:
                json.dump(r, f, ensure_ascii=False, indent=1)
    else:
        cmd_report(args)


if __name__ == "__main__":
    main()
