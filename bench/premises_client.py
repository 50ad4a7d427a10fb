#!/usr/bin/python3
"""HTTP client of bench/premises_bench.sh: times the premises register of a running server.

  premises_client.py run --url URL --login L --password P --label NAME --json OUT
                         [--queries N] [--seed S] [--server-pid PID] [--export]
                         [--sqlite PATH | --postgres URL] [--explain-all]
  premises_client.py report SQLITE.json [POSTGRES.json]

`run` signs in, samples real addresses through the API (untimed), then sends each class of
queries over one keep-alive connection and times every request from sending it to reading
the whole body. It prints p50/p99 per class, checks that address searches find the premise
they were made from, samples the server's RSS every 50 ms during the export, and prints the
query plan of the slowest request of each class that misses its target (EXPLAIN QUERY PLAN
on SQLite, EXPLAIN ANALYZE on PostgreSQL), with the server's SQL rebuilt from
src/domains/premises/repository.cpp.

Only the Python standard library (Debian's /usr/bin/python3).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from bench_http import Client, fold, percentile

# class → (title, target p99 in ms)
CLASSES = {
    "search_full": ("search: street house premise («ул. Ленина 10 5», «Ленина, д. 10, кв. 5»)", 30),
    "search_no_street": ("search: house premise («10 5»)", 30),
    "search_number": ("search: premise number only («5»)", 30),
    "search_typo": ("search: case and ё typos («ЛЕНИНА 10 5», «елочная 3 12»)", 30),
    "list_address": ("list, no filter, sort=address, first page", 30),
    "list_area": ("list, no filter, sort=area, first page", 30),
    "list_area_desc": ("list, no filter, sort=-area, first page", 30),
    "filters": ("filters (group/quarter/object/type/tag), no q", 100),
    "filters_q": ("filters (group/quarter/object/type/tag) + q", 100),
}
SEARCH_CLASSES = ["search_full", "search_no_street", "search_number", "search_typo"]

STREET_MARKS = {"ул.", "пр-т", "пер.", "ш.", "б-р", "наб.", "пр-д"}
TYPE_MARKS = {"flat": "кв.", "apartments": "апарт.", "non_residential": "пом.", "parking": "м/м",
              "storage": "кл.", "land_plot": "уч.", "townhouse": "секц.", "duplex": "секц.",
              "room": "кв.", "house": ""}


# --------------------------------------------------------------------------- HTTP


# --------------------------------------------------------------------------- keys (for EXPLAIN)


def street_key(street: str) -> str:
    words = [w for w in street.split() if w not in STREET_MARKS]
    return fold(" ".join(words))


def house_key(house: str) -> str:
    key = fold(house).replace("корп.", "к").replace("стр.", "с").replace(" ", "")
    return key


# --------------------------------------------------------------------------- sampling


def sample_register(client: Client, rng: random.Random, wanted: int):
    """Groups, quarters, tags, objects, and about `wanted` premises with their objects."""
    groups = client.json("/api/v1/object-groups", {"limit": 500})["items"]
    quarters = client.json("/api/v1/quarters", {"limit": 500})["items"]
    tags = [t["name"] for t in client.json("/api/v1/tags", {"limit": 500})["items"]]
    objects = []
    while True:
        page = client.json("/api/v1/objects", {"limit": 500, "offset": len(objects)})
        objects += page["items"]
        if len(objects) >= page["total"] or not page["items"]:
            break
    premises = []
    # Premises with ё in their street, for the typo class: every object on such a street.
    yo_objects = [o for o in objects if "ё" in o["street"].lower()]
    picks = rng.sample(objects, min(len(objects), wanted // 2 + 1))
    picks += rng.sample(yo_objects, min(len(yo_objects), 60))
    for obj in picks:
        page = client.json("/api/v1/premises", {"object_id": obj["id"], "limit": 500})
        items = [p for p in page["items"] if p["type"] != "room"]
        for p in rng.sample(items, min(2, len(items))):
            p["object"] = obj
            premises.append(p)
    print(f"  sampled {len(premises)} premises from {len(picks)} of {len(objects)} objects, "
          f"{len(groups)} groups, {len(quarters)} quarters, {len(tags)} tags", file=sys.stderr)
    return groups, quarters, tags, objects, premises


def effective(p):
    street = p["street"] or p["object"]["street"]
    house = p["house"] if p["street"] else p["object"]["house"]
    return street, house or ""


def without_marks(street: str) -> str:
    return " ".join(w for w in street.split() if w not in STREET_MARKS)


# --------------------------------------------------------------------------- queries


class Query:
    def __init__(self, params: dict, target_id: int | None = None, parsed: dict | None = None):
        self.params = params
        self.target_id = target_id  # the premise the search was made from
        self.parsed = parsed or {}  # expected parse of q: street/house/number keys


def search_queries(kind: str, premises, rng: random.Random, count: int):
    out = []
    # Premises that have a number, and a house unless only the number is typed (a land plot
    # with its own street but no house reads «ул. Еловая, уч. 20»: «Еловая 20» is house 20).
    with_number = [p for p in premises
                   if p["number"] and (kind == "search_number" or effective(p)[1])]
    yo = [p for p in with_number if "ё" in effective(p)[0].lower()]
    for i in range(count):
        if kind == "search_typo" and yo and i % 2 == 0:
            p = rng.choice(yo)
        else:
            p = rng.choice(with_number)
        street, house = effective(p)
        number = p["number"]
        parsed = {"street": street_key(street), "house": house_key(house) if house else None,
                  "number": fold(number)}
        if kind == "search_full":
            if i % 2 == 0:
                q = f"{street} {house} {number}"
            else:
                mark = TYPE_MARKS.get(p["type"], "")
                q = f"{without_marks(street)}, д. {house}, {mark} {number}".replace(" ,", ",")
        elif kind == "search_no_street":
            q = f"{house} {number}"
            parsed["street"] = None
        elif kind == "search_number":
            q = number
            parsed["street"] = parsed["house"] = None
        else:  # search_typo
            name = without_marks(street)
            if "ё" in name.lower() and i % 2 == 0:
                q = f"{name.lower().replace('ё', 'е')} {house} {number}"
            else:
                q = f"{name.upper()} {house.upper()} {number}"
        if not house and kind != "search_number":
            parsed["house"] = None
        # Full addresses must bring the premise itself onto the first page; shorter queries
        # (a house and a number, a number) match many premises and must only find something.
        exact = kind in ("search_full", "search_typo")
        out.append(Query({"q": q}, p["id"] if exact else None, parsed))
    return out


def filter_queries(with_q: bool, premises, tags, rng: random.Random,
                   count: int):
    out = []
    for _ in range(count):
        p = rng.choice([p for p in premises if p["number"]])
        obj = p["object"]
        params: dict = {}
        # One to three filters, drawn from the premise so that the answer is not empty.
        choices = ["group", "quarter", "object", "type", "tag"]
        for name in rng.sample(choices, rng.choice([1, 1, 2, 2, 3])):
            if name == "group" and obj.get("object_group_id"):
                params["object_group_id"] = obj["object_group_id"]
            elif name == "quarter" and obj.get("quarter_id"):
                params["quarter_id"] = obj["quarter_id"]
            elif name == "object":
                params["object_id"] = obj["id"]
            elif name == "type":
                other = "apartments" if p["type"] == "flat" else "flat"
                params["type"] = [p["type"]] if rng.random() < 0.8 else [p["type"], other]
            elif name == "tag" and p["tags"]:
                params["tag"] = rng.choice(p["tags"])
            elif name == "tag" and not with_q and rng.random() < 0.3:  # a tag it lacks
                params["tag"] = rng.choice(tags)
        if not params:
            params["object_group_id"] = obj["object_group_id"]
        parsed = {}
        if with_q:
            street, house = effective(p)
            form = rng.choice(["street", "house_number", "number", "full"])
            if form == "street":
                params["q"] = without_marks(street)
                parsed = {"street": street_key(street)}
            elif form == "house_number" and house:
                params["q"] = f"{house} {p['number']}"
                parsed = {"house": house_key(house), "number": fold(p["number"])}
            elif form == "number" or not house:
                params["q"] = p["number"]
                parsed = {"number": fold(p["number"])}
            else:
                params["q"] = f"{street} {house} {p['number']}"
                parsed = {"street": street_key(street), "house": house_key(house),
                          "number": fold(p["number"])}
        r = rng.random()
        if r < 0.1:
            params["sort"] = "-address"
        elif r < 0.2:
            params["sort"] = "area"
        elif r < 0.3:
            params["sort"] = "-area"
        out.append(Query(params, None, parsed))
    return out


# --------------------------------------------------------------------------- the server's SQL


def rebuild_sql(query: Query, org: int, dialect: str, street_keys: list[str] | None):
    """The COUNT and page statements that PremiseRepository::List runs (values inlined)."""

    def lit(v):
        return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"

    def values(v):
        return v if isinstance(v, list) else [v]

    where = f" WHERE p.organization_id = {org}"
    prm = query.params
    if "object_id" in prm:
        where += f" AND p.object_id IN ({', '.join(lit(v) for v in values(prm['object_id']))})"
    if "object_group_id" in prm:
        where += (f" AND p.object_id IN (SELECT id FROM objects WHERE organization_id = {org}"
                  f" AND object_group_id IN ({', '.join(lit(v) for v in values(prm['object_group_id']))}))")
    if "quarter_id" in prm:
        where += (f" AND p.object_id IN (SELECT id FROM objects WHERE organization_id = {org}"
                  f" AND quarter_id IN ({', '.join(lit(v) for v in values(prm['quarter_id']))}))")
    if "type" in prm:
        where += f" AND p.type IN ({', '.join(lit(v) for v in values(prm['type']))})"
    if "tag" in prm:
        where += (" AND p.id IN (SELECT pt.premise_id FROM premise_tags pt JOIN tags t ON t.id = "
                  f"pt.tag_id WHERE t.organization_id = {org} AND t.name_key IN "
                  f"({', '.join(lit(fold(v)) for v in values(prm['tag']))}))")
    parsed = query.parsed
    if parsed.get("street") is not None:
        where += f" AND p.street_key IN ({', '.join(lit(k) for k in (street_keys or ['?']))})"
    if parsed.get("house") is not None:
        where += f" AND p.house_key = {lit(parsed['house'])}"
    if parsed.get("number") is not None:
        where += f" AND p.number_key = {lit(parsed['number'])}"
    order = {
        "address": " ORDER BY p.address_sort, p.id",
        "-address": " ORDER BY p.address_sort DESC, p.id DESC",
        "area": " ORDER BY (p.total_area IS NULL), p.total_area, p.id",
        "-area": " ORDER BY (p.total_area IS NULL), p.total_area DESC, p.id DESC",
    }[prm.get("sort", "address")]
    count = "SELECT COUNT(*) FROM premises p" + where
    page = ("SELECT p.id, p.object_id, p.entrance_id, p.floor_id, p.type, p.number, p.street, "
            "p.house, p.level, p.room, p.total_area, p.living_area, p.rooms, p.online_payment, "
            "p.note, p.external_id, p.created_at, p.updated_at, o.name, o.city, o.street, "
            "o.house, e.number, f.number FROM premises p JOIN objects o ON o.id = p.object_id "
            "LEFT JOIN entrances e ON e.id = p.entrance_id LEFT JOIN floors f ON f.id = "
            "p.floor_id" + where + order + " LIMIT 50 OFFSET 0")
    return count, page


class Explainer:
    def __init__(self, sqlite_path: str | None, postgres_url: str | None):
        self.sqlite_path, self.postgres_url = sqlite_path, postgres_url

    def street_keys(self, org: int, parsed: dict) -> list[str] | None:
        if parsed.get("street") is None:
            return None
        terms = parsed["street"].split()
        if self.sqlite_path:
            db = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
            sql = ("SELECT street_key FROM street_keys WHERE organization_id = ?" +
                   " AND instr(street_key, ?) > 0" * len(terms) + " LIMIT 1000")
            keys = [r[0] for r in db.execute(sql, [org, *terms])]
            db.close()
            return keys
        sql = (f"SELECT street_key FROM street_keys WHERE organization_id = {org}" +
               "".join(f" AND strpos(street_key, '{t}') > 0" for t in terms) + " LIMIT 1000")
        return self.psql(sql).split()

    def psql(self, sql: str) -> str:
        return subprocess.run(["psql", self.postgres_url, "-At", "-c", sql], check=True,
                              capture_output=True, text=True).stdout

    def explain(self, query: Query, org: int) -> str:
        keys = self.street_keys(org, query.parsed)
        count, page = rebuild_sql(query, org, "sqlite" if self.sqlite_path else "postgres", keys)
        lines = []
        for label, sql in (("COUNT", count), ("page", page)):
            lines.append(f"    {label}: {sql}")
            if self.sqlite_path:
                db = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
                db.execute("PRAGMA cache_size=-65536")
                for row in db.execute("EXPLAIN QUERY PLAN " + sql):
                    lines.append(f"      plan: {row[3]}")
                db.execute(sql).fetchall()  # warm, as the server's cache is
                start = time.perf_counter()
                db.execute(sql).fetchall()
                lines.append(f"      direct: {(time.perf_counter() - start) * 1000:.1f} ms")
                db.close()
            else:
                for row in self.psql("EXPLAIN (ANALYZE, BUFFERS) " + sql).splitlines():
                    lines.append(f"      {row}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- measuring


def measure(client: Client, queries: list[Query]):
    times, misses, bad = [], 0, 0
    slowest = None
    for query in queries:
        status, payload, elapsed = client.request("GET", "/api/v1/premises", query.params)
        if status != 200:
            bad += 1
            print(f"  {status} for {query.params}: {payload[:200]!r}", file=sys.stderr)
            continue
        times.append(elapsed)
        if slowest is None or elapsed > slowest[0]:
            slowest = (elapsed, query)
        if "q" in query.params:
            body = json.loads(payload)
            if (not body["items"] if query.target_id is None else
                    not any(item["id"] == query.target_id for item in body["items"])):
                misses += 1
                if misses <= 3:
                    print(f"  not found: {query.params} → total {body['total']}",
                          file=sys.stderr)
    times.sort()
    return {
        "count": len(times),
        "p50": percentile(times, 50) * 1000,
        "p99": percentile(times, 99) * 1000,
        "max": times[-1] * 1000 if times else float("nan"),
        "mean": statistics.fmean(times) * 1000 if times else float("nan"),
        "misses": misses,
        "errors": bad,
        "slowest": slowest[1].params if slowest else None,
        "_slowest_query": slowest[1] if slowest else None,
    }


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def export(client: Client, params: dict, pid: int | None):
    samples: list[int] = []
    done = threading.Event()

    def sample():
        while not done.is_set():
            samples.append(rss_kb(pid))
            time.sleep(0.05)

    before = rss_kb(pid) if pid else 0
    sampler = threading.Thread(target=sample, daemon=True) if pid else None
    if sampler:
        sampler.start()
    status, payload, elapsed = client.request("GET", "/api/v1/premises/export.xlsx", params)
    done.set()
    if sampler:
        sampler.join()
    after = rss_kb(pid) if pid else 0
    if status != 200:
        raise SystemExit(f"export: {status} {payload[:300]!r}")
    peak = max(samples + [after]) if pid else 0
    return {"params": params, "seconds": elapsed, "bytes": len(payload),
            "rss_before_mb": before / 1024, "rss_peak_mb": peak / 1024,
            "rss_after_mb": after / 1024, "rss_growth_mb": (peak - before) / 1024}


def run(args):
    rng = random.Random(args.seed)
    client = Client(args.url)
    client.sign_in(args.login, args.password)
    org = args.org
    groups, quarters, tags, objects, premises = sample_register(client, rng, args.queries)

    n = args.queries
    plan = {
        "search_full": search_queries("search_full", premises, rng, n),
        "search_no_street": search_queries("search_no_street", premises, rng, n),
        "search_number": search_queries("search_number", premises, rng, n),
        "search_typo": search_queries("search_typo", premises, rng, n),
        "list_address": [Query({}) for _ in range(n)],
        "list_area": [Query({"sort": "area"}) for _ in range(n)],
        "list_area_desc": [Query({"sort": "-area"}) for _ in range(n)],
        "filters": filter_queries(False, premises, tags, rng, n),
        "filters_q": filter_queries(True, premises, tags, rng, n),
    }
    # Warm-up: the server's page cache and the OS cache see each class once.
    for queries in plan.values():
        for query in queries[:10]:
            client.request("GET", "/api/v1/premises", query.params)

    results = {}
    print(f"\n[{args.label}] {len(objects)} objects; {n} requests per class; times in ms "
          "(request sent → body read, one keep-alive connection)")
    print(f"  {'class':<17} {'target':>7} {'p50':>8} {'p99':>8} {'max':>8} {'mean':>8}  found")
    for name, queries in plan.items():
        r = measure(client, queries)
        results[name] = r
        found = (f"{r['count'] - r['misses']}/{r['count']}"
                 if name in SEARCH_CLASSES or name == "filters_q" else "")
        flag = "" if r["p99"] <= CLASSES[name][1] else "  ← over target"
        print(f"  {name:<17} {CLASSES[name][1]:>7} {r['p50']:8.1f} {r['p99']:8.1f} "
              f"{r['max']:8.1f} {r['mean']:8.1f}  {found}{flag}")

    if args.export:
        # The group whose premises are closest to 100,000.
        best = None
        for g in groups:
            total = client.json("/api/v1/premises", {"object_group_id": g["id"], "limit": 1})["total"]
            if best is None or abs(total - 100_000) < abs(best[1] - 100_000):
                best = (g["id"], total)
        e = export(client, {"object_group_id": best[0]}, args.server_pid)
        e["rows"] = best[1]
        results["export"] = e
        print(f"  export.xlsx of {best[1]} premises (object_group_id={best[0]}): "
              f"{e['seconds']:.2f} s, {e['bytes'] / 1e6:.1f} MB; server RSS "
              f"{e['rss_before_mb']:.1f} → peak {e['rss_peak_mb']:.1f} MB "
              f"(growth {e['rss_growth_mb']:.1f} MB), after {e['rss_after_mb']:.1f} MB")

    if args.sqlite or args.postgres:
        explainer = Explainer(args.sqlite, args.postgres)
        for name, r in results.items():
            if name == "export" or r.get("_slowest_query") is None:
                continue
            if r["p99"] <= CLASSES[name][1] and not args.explain_all:
                continue
            print(f"\n  plan of the slowest {name} request ({r['max']:.1f} ms): "
                  f"{urllib.parse.urlencode(r['slowest'], doseq=True)}")
            print(explainer.explain(r["_slowest_query"], org))

    for r in results.values():
        r.pop("_slowest_query", None)
    with open(args.json, "w") as f:
        json.dump({"label": args.label, "results": results}, f, ensure_ascii=False, indent=1)


def report(paths):
    runs = [json.load(open(p)) for p in paths]
    labels = [r["label"] for r in runs]
    print("\nPremises register, p50 / p99 in ms:")
    header = f"  {'class':<17} {'target p99':>10}" + "".join(f" {l + ' p50/p99':>22}" for l in labels)
    print(header)
    for name, (title, target) in CLASSES.items():
        line = f"  {name:<17} {target:>10}"
        for r in runs:
            x = r["results"].get(name)
            line += f" {x['p50']:>10.1f} / {x['p99']:<9.1f}" if x else f" {'—':>22}"
        print(line)
    for r in runs:
        e = r["results"].get("export")
        if e:
            print(f"  export ({r['label']}): {e['rows']} rows in {e['seconds']:.2f} s "
                  f"(target 5 s), RSS growth {e['rss_growth_mb']:.1f} MB (target 50 MB)")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--url", required=True)
    r.add_argument("--login", required=True)
    r.add_argument("--password", required=True)
    r.add_argument("--label", required=True)
    r.add_argument("--org", type=int, required=True)
    r.add_argument("--json", required=True)
    r.add_argument("--queries", type=int, default=200)
    r.add_argument("--seed", type=int, default=7)
    r.add_argument("--server-pid", type=int)
    r.add_argument("--export", action="store_true")
    r.add_argument("--sqlite")
    r.add_argument("--postgres")
    r.add_argument("--explain-all", action="store_true")
    p = sub.add_parser("report")
    p.add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    else:
        report(args.paths)


if __name__ == "__main__":
    main()
