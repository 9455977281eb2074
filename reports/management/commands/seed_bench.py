"""manage.py seed_bench: a large, realistic data set for the benchmarks in bench/ (never for real use).

It loads a synthetic 120-indicator framework shaped like the default one (6 criteria x 6 stages,
coherence elements), then for each of up to 190 countries published rounds answered by 30 people
from 8 institutions, plus one large assessment answered by 60 people. Answers follow each
country's own profile with institution-specific bias and noise, so medians, spreads and agreement
behave as in real data. Every assessment is marked as demo data, and everything is written through
the assessments' services (bulk variants), as real data is. Use a separate database
(DATABASE_URL=sqlite:///var/bench.sqlite3).
"""

import random
from time import perf_counter

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import services
from assessments.models import Answer, Assessment, Participant
from assessments.services import AnswerRow, ConsensusRow, PersonRow
from indicators.models import Framework
from indicators.services import framework_load
from reports.regions import country_regions

BENCH_SLUG = "bench-120"
CRITERIA = ["RL", "PC", "GS", "TF", "SD", "EB"]
STAGES = ["PD", "RD", "TR", "ES", "RR", "CC"]
ELEMENTS = ["E1", "E2", "E3", "E4", "E5", "E6"]
INSTITUTIONS = [
    ("Ministry of Labour", "government", 0.6),
    ("Ministry of the Interior", "government", 0.5),
    ("Ministry of Foreign Affairs", "government", 0.4),
    ("Statistics Office", "government", 0.2),
    ("Trade Union Confederation", "workers", -0.6),
    ("Employers' Federation", "employers", 0.1),
    ("Migrant Workers' Association", "civil_society", -0.8),
    ("University Research Centre", "academia", -0.2),
]


def bench_framework_text(n_indicators: int = 120) -> str:
    def text(value: str) -> dict:
        return {"en": value}

    data = {
        "format": 1,
        "slug": BENCH_SLUG,
        "version": "1.0",
        "languages": ["en"],
        "title": text("Benchmark framework (synthetic)"),
        "aggregation": "flat",
        "ranking": True,
        "scale": {
            "code": "levels-0-4",
            "label": text("Five levels"),
            "levels": [
                {"code": str(i), "value": v, "label": text(name)}
                for i, (v, name) in enumerate(
                    [
                        (0, "Absent"),
                        (25, "Emerging"),
                        (50, "Developing"),
                        (75, "Established"),
                        (100, "Advanced"),
                    ]
                )
            ],
        },
        "bands": [
            {"code": code, "lower": lo, "upper": hi, "label": text(code)}
            for code, lo, hi in [
                ("limited", 0, 25),
                ("partial", 25, 50),
                ("substantial", 50, 75),
                ("strong", 75, 100),
            ]
        ],
        "dimensions": [
            {
                "code": "criterion",
                "role": "criteria",
                "primary": True,
                "required": True,
                "label": text("Criterion"),
                "categories": [{"code": c, "label": text(c)} for c in CRITERIA],
            },
            {
                "code": "stage",
                "role": "lifecycle",
                "required": True,
                "label": text("Stage"),
                "categories": [{"code": s, "label": text(s), "cross_cutting": s == "CC"} for s in STAGES],
            },
            {
                "code": "coherence_element",
                "role": "coherence_elements",
                "label": text("Element"),
                "categories": [{"code": e, "label": text(e)} for e in ELEMENTS],
            },
        ],
        "indicators": [
            {
                "code": f"B-{n:03d}",
                "weight": 2 if n % 10 == 0 else 1,
                "categories": {
                    "criterion": CRITERIA[n % 6],
                    "stage": STAGES[(n // 6) % 6],
                    **({"coherence_element": ELEMENTS[n % 6]} if n % 3 == 0 else {}),
                },
                "question": text(f"Synthetic question {n}?"),
            }
            for n in range(1, n_indicators + 1)
        ],
    }
    return yaml.safe_dump(data, sort_keys=False)


class Command(BaseCommand):
    help = "Generate a large synthetic data set for bench/ (use a separate database)."

    def add_arguments(self, parser):
        parser.add_argument("--countries", type=int, default=190)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--participants", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, countries: int, rounds: int, participants: int, seed: int, **options):
        if Framework.objects.filter(slug=BENCH_SLUG).exists():
            self.stdout.write("Benchmark data already present.")
            return
        started = perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            framework = framework_load(text=bench_framework_text()).framework
            codes = [
                row.iso2
                for row in country_regions().itertuples()
                if row.sdg_region and len(row.iso2) == 2 and row.iso2.isalpha()
            ][:countries]
            people = self._users(max(participants, 60))
            total = 0
            for country in codes:
                profile = {s: rng.uniform(0.5, 3.5) for s in STAGES}
                for r in range(rounds):
                    total += self._assessment(
                        framework, country, str(2020 + 2 * r), profile, r * 0.3, participants, people, rng
                    )
            # One large assessment: 60 people from 8 institutions, the size of a big national workshop.
            total += self._assessment(
                framework, "XA", "large", dict.fromkeys(STAGES, 2.0), 0, 60, people, rng
            )
        self.stdout.write(f"{total} responses in {perf_counter() - started:.1f} s")

    def _users(self, n: int):
        model = get_user_model()
        existing = {u.username: u for u in model.objects.filter(username__startswith="bench-")}
        users = []
        for i in range(n):
            name = f"bench-{i}"
            users.append(existing.get(name) or services.person_placeholder_create(username=name))
        coordinator = existing.get("bench-coordinator") or services.person_placeholder_create(
            username="bench-coordinator"
        )
        admin = existing.get("bench-admin")
        if admin is None:  # the site administrator who endorses each publication as official
            admin = services.person_placeholder_create(username="bench-admin")
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        return coordinator, users, admin

    def _assessment(self, framework, country, round_, profile, progress, n_people, people, rng) -> int:
        coordinator, users, admin = people
        assessment = services.assessment_create(
            user=coordinator, country=country, framework=framework, round=round_, is_demo=True
        )
        institutions = [
            services.institution_add(assessment=assessment, name=name, kind=kind)
            for name, kind, _ in INSTITUTIONS
        ]
        respondents = services.participants_import(
            assessment=assessment,
            user=coordinator,
            rows=[
                PersonRow(users[i], Participant.Role.RESPONDENT, institutions[i % len(institutions)])
                for i in range(n_people)
            ],
        )
        services.assessment_transition(
            assessment=assessment, to=Assessment.Status.COLLECTING, user=coordinator
        )
        levels = [lv.code for lv in framework.scale.levels.order_by("position")]
        indicators = list(framework.indicators.prefetch_related("categories"))
        stage_of = {i.pk: next(c.code for c in i.categories.all() if c.code in STAGES) for i in indicators}
        rows = []
        for n, person in enumerate(respondents):
            bias = INSTITUTIONS[n % len(INSTITUTIONS)][2]
            for indicator in indicators:
                roll = rng.random()
                if roll < 0.03:
                    rows.append(AnswerRow(indicator.code, person, Answer.NOT_APPLICABLE))
                elif roll < 0.08:
                    rows.append(AnswerRow(indicator.code, person, Answer.DONT_KNOW))
                else:
                    level = round(profile[stage_of[indicator.pk]] + progress + bias + rng.gauss(0, 0.7))
                    rows.append(
                        AnswerRow(
                            indicator.code,
                            person,
                            Answer.LEVEL,
                            level=levels[max(0, min(4, level))],
                            implementation=rng.choice(["paper", "partly", "practice", ""]),
                        )
                    )
        services.responses_import(assessment=assessment, rows=rows, user=coordinator, source="benchmark data")
        services.consensus_import(
            assessment=assessment,
            user=coordinator,
            source="benchmark data",
            rows=[
                ConsensusRow(i.code, Answer.LEVEL, level=rng.choice(levels))
                for i in rng.sample(indicators, 6)
            ],
        )
        for status in (Assessment.Status.REVIEW, Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED):
            services.assessment_transition(assessment=assessment, to=status, user=coordinator)
        services.assessment_endorse(assessment=assessment, user=admin)
        return len(rows)
