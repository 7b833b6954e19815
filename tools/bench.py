"""`make bench`: CoachHub at 1x, 10x and 100x data on PostgreSQL, written to docs/performance.md.

For each scale: a fresh database (BENCH_DATABASE, default perf_bench), `flask db upgrade`,
`flask seed-demo --scale N`, then gunicorn (2 sync workers, tools/bench_app.py) on
127.0.0.1:BENCH_PORT. Signed in as the owner, a coach and a client (and an API token), it
times every GET page of both portals, billing and the API: statements per request, p50 and
p95, each as a multiple of /healthz p50 in the same run; wrk throughput of the dashboards as
a share of /healthz's; the heavy client's exports (time, worker memory); the reminder job
(time, statements); EXPLAIN of the main pages (large tables read whole). `--quick`: 1x and
10x, fewer requests. `--scales 100` for one scale. Finishes within 15 minutes on 2 cores.
"""

import argparse
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "perf_bench")
PORT = int(os.environ.get("BENCH_PORT", "8101"))
BASE = f"http://127.0.0.1:{PORT}"
SLUG = "demo"
# Pages the throughput run loads with wrk, by who signs in.
DASHBOARDS = [("owner", "coach/"), ("coach", "coach/"), ("client", "client/")]
EXPORTS = ["client/export.json", "client/export.zip"]
# Pages that change something, stream a download, or need a value no seed provides.
# The practice-wide export reads every client in turn (a dozen statements each): minutes at 100x.
SKIP_ENDPOINTS = {"coach.audit_log_csv", "coach.export_practice_zip"}


@dataclass
class PageResult:
    who: str
    path: str
    status: int
    queries: int
    p50: float
    p95: float


@dataclass
class ScaleResult:
    scale: int
    seed_seconds: float = 0.0
    healthz_p50: float = 0.0
    pages: list[PageResult] = field(default_factory=list)
    throughput: dict[str, float] = field(default_factory=dict)
    exports: list[dict] = field(default_factory=list)
    reminders: dict = field(default_factory=dict)
    seq_scans: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def env(scale_db: str, name: str = "production") -> dict:
    out = dict(os.environ)
    out.update(
        FLASK_APP="wsgi.py",
        # This tree's code, even when the venv's editable install points at another.
        PYTHONPATH=str(ROOT),
        COACHHUB_ENV=name,
        SECRET_KEY=BENCH_SECRET,
        SESSION_COOKIE_SECURE="0",
        DATABASE_URL=f"postgresql+psycopg://{PG.split('://', 1)[1]}/{scale_db}",
        RATELIMIT_ENABLED="0",
        LOG_LEVEL="WARNING",
        HSTS_SECONDS="0",
    )
    return out


BENCH_SECRET = secrets.token_hex(32)


def reset_database() -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def flask(*args: str, name: str = "production") -> str:
    result = subprocess.run(
        [str(VENV_BIN / "flask"), *args],
        cwd=ROOT,
        env=env(DATABASE, name),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Server:
    """gunicorn serving tools/bench_app.py; stopped on exit."""

    def __init__(self, workers: int = 2):
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.log = open(ROOT / ".bench-gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--timeout",
                "120",
                "tools.bench_app:app",
            ],
            cwd=ROOT,
            env=env(DATABASE),
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{BASE}/healthz", timeout=30).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not start; see .bench-gunicorn.log")

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def login(email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{BASE}/login", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{BASE}/login",
        data={"email": email, "password": "demo-password", "csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        sys.exit(f"could not sign in as {email}: {response.status_code}")
    return session


def timed(session: requests.Session, url: str, n: int, **kwargs) -> tuple[list[float], object]:
    times, response = [], None
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url, timeout=120, allow_redirects=False, **kwargs)
        times.append(time.perf_counter() - started)
    return times, response


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def lookups(scale: int) -> dict:
    """Ids for URL parameters: objects of the benchmark coach's first client."""
    from coachhub.demo.scale import client_email, coach_email

    with psycopg.connect(f"{PG}/{DATABASE}") as conn:

        def one(sql: str, *args) -> int | None:
            row = conn.execute(sql, args).fetchone()
            return row[0] if row else None

        client = one(
            'select m.id from membership m join "user" u on u.id = m.user_id where u.email = %s',
            client_email(scale, 1),
        )
        coach = one(
            'select m.id from membership m join "user" u on u.id = m.user_id where u.email = %s',
            coach_email(scale, 1),
        )
        values = {
            "client_id": client,
            "member_id": coach,
            "goal_id": one(
                "select id from networking_goal where client_membership_id = %s", client
            ),
            "contact_id": one("select id from contact where client_membership_id = %s", client),
            "log_id": one(
                "select id from meeting_log where client_membership_id = %s order by id", client
            ),
            "checkin_id": one("select id from checkin where client_membership_id = %s", client),
        }
    return {k: v for k, v in values.items() if v is not None}


def get_pages(values: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """(who, path) for every GET page of the portals, billing and the API that we can fill."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(env(DATABASE))
    from flask import url_for

    from tools.bench_app import app

    pages, skipped = [], []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            area = rule.endpoint.split(".", 1)[0]
            if "GET" not in rule.methods or area not in ("coach", "client", "billing", "api"):
                continue
            if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint in ("api.openapi", "api.reference"):
                continue
            args = rule.arguments - {"practice_slug"}
            if not args <= values.keys():
                skipped.append(rule.endpoint)
                continue
            slug = {"practice_slug": SLUG} if "practice_slug" in rule.arguments else {}
            path = url_for(rule.endpoint, **slug, **{a: values[a] for a in args})
            if path.endswith(tuple(EXPORTS)):
                continue
            if area == "coach":
                pages.append(("owner", path))
                if rule.endpoint not in OWNER_ONLY:
                    pages.append(("coach", path))
            elif area == "client":
                pages.append(("client", path))
            elif area == "billing":
                pages.append(("owner", path))
            else:
                pages.append(("api", path))
    return pages, skipped


# Coach-area pages only the owner may open (tests/test_isolation.py keeps the full list).
OWNER_ONLY = {
    "coach.team",
    "coach.settings",
    "coach.checkins_overview",
    "coach.audit_log",
    "coach.webhooks_page",
    "coach.webhook",
}


def wrk(url: str, cookie: str | None, seconds: int) -> float:
    command = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else 0.0


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def reminder_job() -> dict:
    """The reminder job for the demo practice, in this process: time and statements."""
    code = (
        "import time, json\n"
        "from datetime import datetime, time as clock\n"
        "from sqlalchemy import event, select\n"
        "from sqlalchemy.engine import Engine\n"
        "from coachhub import create_app\n"
        "from coachhub.extensions import db\n"
        "from coachhub.models import OutboundEmail, Practice\n"
        "from coachhub.notifications.due import send_reminders_for_practice\n"
        "app = create_app()\n"
        "count = [0]\n"
        "with app.app_context():\n"
        "    practice = db.session.scalar(select(Practice).where(Practice.slug == 'demo'))\n"
        "    now = datetime.combine(practice.today(), clock(23, 0), practice.tz)\n"
        "    def counted(*args):\n"
        "        count[0] += 1\n"
        "    event.listen(Engine, 'before_cursor_execute', counted)\n"
        "    started = time.perf_counter()\n"
        "    run = send_reminders_for_practice(practice, now)\n"
        "    db.session.flush()\n"
        "    seconds = time.perf_counter() - started\n"
        "    statements = count[0]\n"
        "    db.session.rollback()\n"
        "print(json.dumps({'seconds': seconds, 'statements': statements, 'queued': run.queued}))\n"
    )
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        cwd=ROOT,
        env=env(DATABASE),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def run_scale(scale: int, quick: bool) -> ScaleResult:
    from coachhub.demo.scale import client_email, coach_email, heavy_client_email

    result = ScaleResult(scale)
    print(f"== {scale}x: seeding", flush=True)
    reset_database()
    flask("db", "upgrade")
    started = time.perf_counter()
    print(
        "  " + flask("seed-demo", "--scale", str(scale), name="development").splitlines()[0],
        flush=True,
    )
    result.seed_seconds = time.perf_counter() - started
    subprocess.run(
        ["psql", f"{PG}/{DATABASE}", "-qc", "VACUUM ANALYZE"], check=True, capture_output=True
    )
    token = flask(
        "api-token", "create", coach_email(scale, 1), "--practice", SLUG, "--scope", "read"
    ).splitlines()[-1]
    values = lookups(scale)
    pages, result.skipped = get_pages(values)
    n = 5 if quick else 10
    with Server():
        sessions = {
            "owner": login("owner@demo.test"),
            "coach": login(coach_email(scale, 1)),
            "client": login(client_email(scale, 1)),
            "api": requests.Session(),
        }
        sessions["api"].headers["Authorization"] = f"Bearer {token}"
        anonymous = requests.Session()
        timed(anonymous, f"{BASE}/healthz", 20)
        health, _ = timed(anonymous, f"{BASE}/healthz", 100)
        result.healthz_p50 = statistics.median(health)
        print(f"  /healthz p50 {result.healthz_p50 * 1000:.2f} ms; {len(pages)} pages", flush=True)
        for who, path in pages:
            session = sessions[who]
            timed(session, BASE + path, 1)  # warm
            times, response = timed(session, BASE + path, n)
            result.pages.append(
                PageResult(
                    who,
                    path,
                    response.status_code,
                    int(response.headers.get("X-Bench-Queries", -1)),
                    statistics.median(times),
                    p95(times),
                )
            )
        for who, path in DASHBOARDS:
            response = sessions[who].get(
                f"{BASE}/p/{SLUG}/{path}", headers={"X-Bench-Explain": "1"}, timeout=300
            )
            result.seq_scans[f"{who} {path}"] = response.headers.get("X-Bench-Seq-Scans", "?")
        for path in ["coach/reviews", "coach/checkins", f"coach/clients/{values['client_id']}"]:
            response = sessions["owner"].get(
                f"{BASE}/p/{SLUG}/{path}", headers={"X-Bench-Explain": "1"}, timeout=300
            )
            key = f"owner {re.sub(r'/[0-9]+', '/<id>', path)}"
            result.seq_scans[key] = response.headers.get("X-Bench-Seq-Scans", "?")
        seconds = 3 if quick else 8
        result.throughput["/healthz"] = wrk(f"{BASE}/healthz", None, seconds)
        for who, path in DASHBOARDS:
            result.throughput[f"{who} {path}"] = wrk(
                f"{BASE}/p/{SLUG}/{path}", cookie_header(sessions[who]), seconds
            )
    # Exports on one worker, so its memory before and after is the same process's.
    with Server(workers=1):
        heavy = login(heavy_client_email(scale))
        for path in EXPORTS:
            for _ in range(2):  # the second time shows what the first left behind
                started = time.perf_counter()
                response = heavy.get(f"{BASE}/p/{SLUG}/{path}", timeout=300)
                result.exports.append(
                    {
                        "path": path,
                        "status": response.status_code,
                        "seconds": time.perf_counter() - started,
                        "bytes": len(response.content),
                        "rss_growth_kb": int(response.headers.get("X-Bench-RSS", 0))
                        - int(response.headers.get("X-Bench-RSS-Before", 0)),
                    }
                )
    result.reminders = reminder_job()
    print(f"  done: reminders {result.reminders}", flush=True)
    return result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f"{int(memory) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "unknown RAM"
    with psycopg.connect(f"{PG}/postgres") as conn:
        pg = conn.execute("show server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg}; gunicorn 2 sync workers on "
        f"the same machine as PostgreSQL and the load generator"
    )


def report(results: list[ScaleResult], quick: bool, seconds: float) -> str:
    scales = [r.scale for r in results]
    head = " | ".join(f"{s}x" for s in scales)
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`tools/bench.py`); do not edit by hand. "
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {'--quick, ' if quick else ''}"
        f"{seconds / 60:.1f} minutes.",
        "",
        f"Machine: {machine()}.",
        "",
        "How: for each scale a fresh PostgreSQL database is seeded with "
        "`flask seed-demo --scale N` (N× the demo: 20N clients of N/2 coaches with 100 "
        "meeting logs each, 90 % reviewed, half of them placed with 20 monthly check-ins, one "
        "heavy client with 200N logs, and 2N small neighbouring practices) and served by "
        "gunicorn (`tools/bench_app.py`: the app plus headers giving each response's "
        "statement count and the worker's memory). Signed in as the owner, the first "
        "benchmark coach (40 clients at 100×) and a client, every GET page of both portals, "
        "billing and the API is requested in turn; `/healthz` in the same run is the unit.",
        "",
        "Each page: p50 and p95 of sequential requests as multiples of `/healthz` p50, and "
        "the statements it ran (`q`; the same at every scale means no N+1). Throughput: wrk "
        "with 4 connections against the same 2 workers. Exports: the heavy client's, on a "
        "one-worker gunicorn, with the worker's resident memory before and after. Reminder "
        "job: `send_reminders_for_practice` for the demo practice in its own process. Large "
        "tables read whole: EXPLAIN of every SELECT of the page.",
        "",
        "Run it with `make bench` (1×, 10×, 100×; about 15 minutes) or "
        "`make bench BENCH_ARGS=--quick` (1× and 10×, fewer requests). It drops and re-creates "
        "BENCH_DATABASE (default `perf_bench`) and serves on BENCH_PORT (default 8101). "
        "`--before LABEL` keeps a run as the reference section at the end of this page.",
        "",
        "| | " + head + " |",
        "|---|" + "---|" * len(scales),
        "| /healthz p50 | " + " | ".join(f"{r.healthz_p50 * 1000:.2f} ms" for r in results) + " |",
        "| seed time | " + " | ".join(f"{r.seed_seconds:.0f} s" for r in results) + " |",
        "",
        "## Pages (p50× / p95× / q)",
        "",
        "| who | page | " + head + " |",
        "|---|---|" + "---|" * len(scales),
    ]

    def shape(path: str) -> str:
        return re.sub(r"/\d+", "/<id>", path.replace(f"/p/{SLUG}/", ""))

    keys = [(p.who, shape(p.path)) for p in results[0].pages]
    by_scale = [{(p.who, shape(p.path)): p for p in r.pages} for r in results]
    for key in keys:
        cells = []
        for r, pages in zip(results, by_scale, strict=True):
            p = pages.get(key)
            if p is None:
                cells.append("–")
                continue
            status = "" if p.status == 200 else f" ({p.status})"
            cells.append(
                f"{p.p50 / r.healthz_p50:.0f}× / {p.p95 / r.healthz_p50:.0f}× / {p.queries}{status}"
            )
        lines.append(f"| {key[0]} | `{key[1]}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Throughput (wrk, 4 connections, share of `/healthz`)",
        "",
        "| page | " + head + " |",
        "|---|" + "---|" * len(scales),
    ]
    for key in results[0].throughput:
        cells = []
        for r in results:
            rps = r.throughput.get(key, 0.0)
            base = r.throughput.get("/healthz") or 1
            cells.append(f"{rps:.0f}/s ({rps / base:.1%})")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Exports of the heavy client (200 logs per unit of scale), one worker",
        "",
        "| export | " + head + " |",
        "|---|" + "---|" * len(scales),
    ]
    for k, row in enumerate(results[0].exports):
        cells = []
        for r in results:
            e = r.exports[k]
            growth = e["rss_growth_kb"] / 1024
            cells.append(
                f"{e['seconds']:.2f} s, {e['bytes'] / 1e6:.1f} MB, RSS +{growth:.0f} MB"
                + ("" if e["status"] == 200 else f" ({e['status']})")
            )
        label = row["path"] + (" (again)" if k % 2 else "")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Reminder job (the demo practice, one run)",
        "",
        "| | " + head + " |",
        "|---|" + "---|" * len(scales),
        "| time | " + " | ".join(f"{r.reminders.get('seconds', 0):.2f} s" for r in results) + " |",
        "| statements | "
        + " | ".join(str(r.reminders.get("statements", "?")) for r in results)
        + " |",
        "| emails queued | "
        + " | ".join(str(r.reminders.get("queued", "?")) for r in results)
        + " |",
        "",
        "## Large tables read whole (EXPLAIN of every statement of the page)",
        "",
        "A sequential scan of a tenant table with more than 1,000 rows reads other "
        "practices' rows; `-` means none.",
        "",
        "| page | " + head + " |",
        "|---|" + "---|" * len(scales),
    ]
    for key in results[0].seq_scans:
        lines.append(
            f"| {re.sub(r'/[0-9]+', '/<id>', key)} | "
            + " | ".join(f"`{r.seq_scans.get(key, '?')}`" for r in results)
            + " |"
        )
    skipped = sorted(set(results[0].skipped))
    if skipped:
        lines += ["", "Not measured (a URL parameter no seed fills): " + ", ".join(skipped) + "."]
    return "\n".join(lines) + "\n"


# Below this line docs/performance.md keeps a reference run that later runs leave in place.
BEFORE_MARKER = "<!-- reference run: kept by make bench -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1x and 10x, shorter runs")
    parser.add_argument("--scales", type=int, nargs="+", help="scales to run (default 1 10 100)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--before",
        metavar="LABEL",
        help="keep this run as the reference section (e.g. 'before the query fixes')",
    )
    args = parser.parse_args()
    scales = args.scales or ([1, 10] if args.quick else [1, 10, 100])
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    results = [run_scale(scale, args.quick) for scale in scales]
    text = report(results, args.quick, time.perf_counter() - started)
    out = Path(args.out)
    if args.before:
        # This run is the reference: it goes below the marker, under the next run's tables.
        body = text.split("\n", 1)[1].replace("\n## ", "\n### ")
        text = f"{BEFORE_MARKER}\n\n## Before: {args.before}\n{body}"
        previous = out.read_text() if out.exists() else ""
        text = previous.split(BEFORE_MARKER)[0].rstrip() + "\n\n" + text
    elif out.exists() and BEFORE_MARKER in out.read_text():
        text = text + "\n" + BEFORE_MARKER + out.read_text().split(BEFORE_MARKER, 1)[1]
    out.write_text(text)
    print(f"wrote {args.out} in {(time.perf_counter() - started) / 60:.1f} minutes")


if __name__ == "__main__":
    main()
