"""A workshop under load: N phones join a session by its code, answer 10 indicators (each phone saves
every 2 s and asks every 2 s whether the room moved on), while the facilitator moves through the list,
the projector polls every 1.5 s and a few people autosave on the scoring page. Against gunicorn with 3
workers on loopback, on SQLite or PostgreSQL (BENCH_DATABASE_URL).

Prints a JSON summary: p50/p95/p99 per kind of request (phone answers, phone polls, scoring-page
autosaves, projector polls), errors, answers lost (the database compared with the last value each phone
had saved), history rows against distinct changes, the server's and the load client's CPU.

    .venv/bin/python bench/workshop.py                  # 40 then 100 phones, SQLite
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/workshop.py --phones 40,100,200
"""

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-workshop"
PASSWORD = "bench-workshop-password-1"
INSTITUTIONS = 8
INDICATORS = 10
DESK_USERS = 5
TARGET_P95_MS = 300
THREADS = int(os.environ.get("BENCH_THREADS", "1"))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM = re.compile(r'data-item="(\d*)"')
TOKEN = re.compile(r"token=([0-9.]+)")
VERSION = re.compile(r'id="version-[^"]+" value="(\d+)"')


def database_url(label: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / f'{label}.sqlite3'}"


def server_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ROOM": "true",
        "COHERENCE_DATA_DIR": str(WORK),
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "SIGN_IN_FAILURE_LIMIT": "1000",
    }


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    return result.stdout


SETUP = """
import json
from django.contrib.auth import get_user_model
from assessments import services
from assessments.models import Assessment
from indicators.models import Framework

framework = Framework.objects.filter(slug="ilo-labour-migration-governance").order_by("-loaded_at").first()
def make(name):
    return services.person_create(
        username=name, email=f"{name}@bench.invalid", password=PASSWORD, first_name=name
    )
coordinator = make("bench-coordinator")
facilitator = make("bench-facilitator")
a = services.assessment_create(
    user=coordinator, country="XA", framework=framework, round=LABEL, kind="workshop"
)
institutions = [
    services.institution_add(assessment=a, name=f"Institution {n}", kind="government")
    for n in range(INSTITUTIONS)
]
services.participant_add(assessment=a, user=facilitator, role="facilitator")
desks = []
for n in range(DESK):
    user = make(f"bench-desk-{n}")
    institution = institutions[n % len(institutions)]
    services.participant_add(assessment=a, user=user, role="respondent", institution=institution)
    desks.append(user.username)
services.assessment_transition(assessment=a, to="collecting", user=coordinator)
codes = list(framework.indicators.order_by("position").values_list("code", flat=True))
session = services.session_open(assessment=a, user=facilitator, title="Load", codes=codes[:INDICATORS])
items = {str(i.pk): i.indicator.code for i in session.items.select_related("indicator")}
print(json.dumps({
    "assessment": a.pk, "session": session.pk, "code": session.code, "items": items,
    "institutions": [i.pk for i in institutions], "desks": desks,
    "codes": codes[INDICATORS:INDICATORS + 20],
}))
"""


CHECK = """
import json
from assessments.models import Response
rows = {}
answers = Response.objects.filter(session_id=SESSION)
answers = answers.select_related("participant__user", "indicator", "level")
for r in answers:
    key = f"{r.participant.user.first_name}|{r.indicator.code}"
    rows[key] = [r.level.code if r.level else r.answer, r.history.count()]
print(json.dumps(rows))
"""


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds * 1000)

    def error(self, kind: str, what: str) -> None:
        by_kind = self.errors.setdefault(kind, {})
        by_kind[what] = by_kind.get(what, 0) + 1

    def summary(self) -> dict:
        out = {}
        for kind, values in sorted(self.samples.items()):
            values = sorted(values)
            q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
            out[kind] = {
                "requests": len(values),
                "p50_ms": round(q[49], 1),
                "p95_ms": round(q[94], 1),
                "p99_ms": round(q[98], 1),
                "errors": sum(self.errors.get(kind, {}).values()),
                "errors_by_status": self.errors.get(kind, {}),
                "conflicts": self.conflicts.get(kind, 0),
            }
        return out


class Room:
    """The state the facilitator drives: which item is current, and whether the run is over."""

    def __init__(self):
        self.over = asyncio.Event()


async def timed(timings: Timings, kind: str, http: aiohttp.ClientSession, method: str, url: str, **kwargs):
    """One request, timed under `kind`; a 409 (the room moved on, someone saved first) is a conflict,
    anything else that is not a success an error, counted with its status."""
    start = time.perf_counter()
    try:
        async with http.request(method, url, **kwargs) as response:
            body = await response.text()
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as exc:
        timings.error(kind, type(exc).__name__)
        return None, ""
    timings.add(kind, time.perf_counter() - start)
    if status >= 400 and status != 409:
        timings.error(kind, str(status))
    if status == 409:
        timings.conflicts[kind] = timings.conflicts.get(kind, 0) + 1
    return status, body


async def phone(n: int, base: str, setup: dict, room: Room, timings: Timings, sent: dict, levels: list[str]):
    """One phone: join, then until the run ends, every 2 s save an answer and ask whether the room moved."""
    name = f"phone-{n:03d}"
    rng = random.Random(n)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base, cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=30)) as http:
        status, body = await timed(timings, "join", http, "GET", f"/en/workshop/{setup['code']}/")
        institution = setup["institutions"][n % len(setup["institutions"])]
        token = CSRF.search(body).group(1)
        status, body = await timed(
            timings,
            "join",
            http,
            "POST",
            f"/en/workshop/{setup['code']}/",
            data={"csrfmiddlewaretoken": token, "institution": institution, "name": name},
        )
        token = CSRF.search(body).group(1)
        item = ITEM.search(body).group(1)
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        await asyncio.sleep(rng.random() * 2)
        while not room.over.is_set():
            level = rng.choice(levels)
            status, reply = await timed(
                timings,
                "phone answer",
                http,
                "POST",
                f"/en/workshop/session/{setup['session']}/answer/",
                data={"item": item, "answer": f"level:{level}", "comment": ""},
                headers=headers,
            )
            if status == 200:
                sent.setdefault((name, item), []).append(level)
            elif status == 409:
                found = ITEM.search(reply)
                item = found.group(1) if found else item
            await asyncio.sleep(1)
            status, reply = await timed(
                timings,
                "phone poll",
                http,
                "GET",
                f"/en/workshop/session/{setup['session']}/state/",
                params={"item": item, "open": "1"},
                headers=headers,
            )
            if status == 200:
                found = ITEM.search(reply)
                item = found.group(1) if found and found.group(1) else item
            await asyncio.sleep(1)


async def sign_in(http: aiohttp.ClientSession, username: str) -> str:
    async with http.get("/en/accounts/login/") as response:
        token = CSRF.search(await response.text()).group(1)
    async with http.post(
        "/en/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
    ) as response:
        body = await response.text()
    return CSRF.search(body).group(1) if CSRF.search(body) else token


async def desk(username: str, base: str, setup: dict, room: Room, timings: Timings, levels: list[str]):
    """Someone answering on the scoring page at the same time: an autosave every 2 s."""
    rng = random.Random(username)
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = await sign_in(http, username)
        versions: dict[str, int] = {}
        while not room.over.is_set():
            code = rng.choice(setup["codes"])
            _status, reply = await timed(
                timings,
                "scoring-page autosave",
                http,
                "POST",
                f"/en/assessments/{setup['assessment']}/score/{code}/",
                data={
                    "answer": f"level:{rng.choice(levels)}",
                    "version": versions.get(code, 0),
                    "justification": "",
                    "by": "criterion",
                },
                headers={"HX-Request": "true", "X-CSRFToken": token},
            )
            found = VERSION.search(reply or "")
            if found:
                versions[code] = int(found.group(1))
            await asyncio.sleep(2)


async def facilitator(base: str, setup: dict, room: Room, timings: Timings, seconds_per_item: float):
    """Moves through the 10 indicators, one every `seconds_per_item`; polls the projector every 1.5 s."""
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        token = await sign_in(http, "bench-facilitator")
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        projector = f"/en/results/assessments/{setup['assessment']}/workshop/{setup['session']}/"
        shown = ""

        async def poll_projector():
            nonlocal shown
            while not room.over.is_set():
                status, body = await timed(
                    timings,
                    "projector poll",
                    http,
                    "GET",
                    projector,
                    params={"token": shown},
                    headers=headers,
                )
                found = TOKEN.search(body or "")
                if status == 200 and found:
                    shown = found.group(1)
                await asyncio.sleep(1.5)

        poller = asyncio.create_task(poll_projector())
        for _ in range(INDICATORS - 1):
            await asyncio.sleep(seconds_per_item)
            await timed(
                timings,
                "facilitator move",
                http,
                "POST",
                f"/en/assessments/{setup['assessment']}/workshop/{setup['session']}/move/",
                data={"step": "next", "csrfmiddlewaretoken": token},
                allow_redirects=False,
            )
        await asyncio.sleep(seconds_per_item)
        room.over.set()
        await poller


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (gunicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own, parent = int(entry.name), int(fields[1])
        if own == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def load(base: str, setup: dict, phones: int, seconds_per_item: float, levels: list[str]) -> dict:
    timings, room, sent = Timings(), Room(), {}
    tasks = [phone(n, base, setup, room, timings, sent, levels) for n in range(phones)]
    tasks += [desk(user, base, setup, room, timings, levels) for user in setup["desks"]]
    tasks.append(facilitator(base, setup, room, timings, seconds_per_item))
    await asyncio.gather(*tasks)
    return {"timings": timings, "sent": sent}


def run(label: str, phones: int, seconds_per_item: float, workers: int) -> dict:
    url = database_url(label)
    env = server_env(url)
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        manage("flush", "--no-input", env=env)
    manage("migrate", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("load_framework", "--shipped", env=env)
    script = (
        SETUP.replace("PASSWORD", repr(PASSWORD))
        .replace("LABEL", repr(label))
        .replace("INSTITUTIONS", str(INSTITUTIONS))
        .replace("DESK", str(DESK_USERS))
        .replace("INDICATORS", str(INDICATORS))
    )
    setup = json.loads(manage("shell", "-v0", "-c", script, env=env).strip().splitlines()[-1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [
            gunicorn,
            "coherence.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(THREADS),
            "--keep-alive",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        levels = ["0", "1", "2", "3", "4"]
        server_cpu_before = cpu_seconds(server.pid)
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        outcome = asyncio.run(load(base, setup, phones, seconds_per_item, levels))
        wall = time.perf_counter() - start
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = cpu_seconds(server.pid) - server_cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stored = json.loads(
        manage("shell", "-v0", "-c", CHECK.replace("SESSION", str(setup["session"])), env=env)
        .strip()
        .splitlines()[-1]
    )
    # Each phone's last saved value must be what is stored, and the history must hold one row per
    # distinct change (a value sent again, unchanged, adds none).
    lost, history_mismatch = 0, 0
    for (name, item), levels_sent in outcome["sent"].items():
        value, history = stored.get(f"{name}|{setup['items'][item]}", (None, 0))
        if value != levels_sent[-1]:
            lost += 1
        changes = 1 + sum(1 for before, after in itertools.pairwise(levels_sent) if before != after)
        if history != changes:
            history_mismatch += 1
    phones_saved = {name for name, _item in outcome["sent"]}
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    summary = outcome["timings"].summary()
    p95 = summary.get("phone answer", {}).get("p95_ms")
    return {
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "phones": phones,
        "gunicorn_workers": workers,
        "seconds": round(wall, 1),
        "requests": summary,
        "answers_checked": len(outcome["sent"]),
        "phones_that_saved": len(phones_saved),
        "answers_lost": lost,
        "answers_whose_history_differs_from_their_changes": history_mismatch,
        "server_cpu_share_of_one_core": round(server_cpu / wall, 2),
        "load_client_cpu_share_of_one_core": round(client_cpu / wall, 2),
        "target": {"phone_answer_p95_ms": TARGET_P95_MS, "met": p95 is not None and p95 < TARGET_P95_MS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", default="40,100", help="Room sizes to run, e.g. 40,100,200.")
    parser.add_argument("--seconds-per-item", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = [
        run(f"room-{n}", int(n), args.seconds_per_item, args.workers)
        for n in args.phones.split(",")
        if n.strip()
    ]
    print(json.dumps({"workshop": results}, indent=2))


if __name__ == "__main__":
    main()
