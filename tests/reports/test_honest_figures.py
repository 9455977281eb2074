"""Honest figures: each defect found against hand-made assessments, worked out by hand here, and what every
output says about how much a figure rests on. The numbers in comments are the hand calculation."""

import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Participant
from assessments.services import (
    assessment_transition,
    evidence_add,
    evidence_delete,
)
from indicators.services import framework_load
from reports.models import Report
from reports.services import report_generate
from tests.frameworks import dump, small_framework_data
from tests.hands import Hand
from tests.people import make_public

pytestmark = pytest.mark.django_db
Role = Participant.Role


@pytest.fixture
def small(db):
    return framework_load(text=dump(small_framework_data())).framework


def by_code(items, code):
    return next(i for i in items if i["code"] == code)


# -- 1. A consensus of N/A takes the indicator out of every figure --------------------------------------


def test_a_consensus_of_not_applicable_leaves_every_figure(small, coordinator):
    hand = Hand(small, coordinator)
    labour, union = hand.institution("Labour"), hand.institution("Union", "workers")
    hand.person("lina", labour), hand.person("lucas", labour), hand.person("umar", union)
    hand.open()
    hand.answer("lina", "RL-01", "3", implementation="paper")  # 75
    hand.answer("lina", "SD-01", "1", implementation="paper")  # 25
    hand.answer("lucas", "SD-01", "1", implementation="paper")  # 25
    hand.answer("umar", "RL-01", "1", implementation="practice")  # 25
    hand.answer("umar", "SD-01", "4", implementation="paper")  # 100
    hand.consensus("SD-01", kind="na")
    results = hand.results()
    own = {i["name"]: i["score"] for i in results["institutions"]}
    # Institutions' own scores from RL-01 alone (SD-01, weight 2, would have pulled them to 41.7 and 75).
    assert own == {"Labour": pytest.approx(75), "Union": pytest.approx(25)}
    criteria = {c["code"]: c for c in results["dimensions"]["criterion"]}
    assert criteria["SD"]["paper_only_share"] is None  # 3 paper answers on SD-01 do not count
    assert criteria["RL"]["paper_only_share"] == pytest.approx(0.5)  # 1 of 2 on RL-01
    # Nobody is expected to answer SD-01: 2 answers on RL-01 of 3 expected (lucas did not answer it).
    assert results["overall"]["completeness"] == pytest.approx(2 / 3)
    sd = by_code(results["indicators"], "SD-01")
    assert (
        sd["value"] is None and sd["disagreement"] is None and sd["agreement"] is None
    )  # spread 75: not flagged
    assert results["overall"]["n_total"] == 1  # only RL-01 applies


# -- 2. Completeness counts only people whose role answers ---------------------------------------------


def test_a_reviewer_or_observer_in_an_institution_never_holds_completeness_below_full(small, coordinator):
    hand = Hand(small, coordinator)
    labour = hand.institution("Labour")
    hand.person("lina", labour)
    hand.person("rosa", labour, role=Role.REVIEWER)
    hand.person("omar", labour, role=Role.OBSERVER)
    hand.open()
    hand.answer("lina", "RL-01", "2")
    hand.answer("lina", "SD-01", "3")
    results = hand.results()
    assert results["overall"]["completeness"] == 1.0  # 2 of 2; 2 of 6 if the reviewer and observer counted
    assert (
        by_code(results["institutions"], "Labour")
        if False
        else results["institutions"][0]["completeness"] == 1.0
    )


# -- 3. Institutions are told apart by id, never by name -----------------------------------------------


def test_two_institutions_with_the_same_name_are_two_voices(small, coordinator):
    hand = Hand(small, coordinator)
    council_gov = hand.institution("Migration Council", "government")
    council_cso = hand.institution("Migration Council", "civil_society")
    union = hand.institution("Union", "workers")
    hand.person("g", council_gov), hand.person("c", council_cso), hand.person("u", union)
    hand.open()
    hand.answer("g", "RL-01", "4")  # 100
    hand.answer("c", "RL-01", "3")  # 75
    hand.answer("u", "RL-01", "0")  # 0
    rl = by_code(hand.results()["indicators"], "RL-01")
    # Three voices: median(100, 75, 0) = 75. Grouped by name: median(87.5, 0) = 43.75.
    assert rl["value"] == pytest.approx(75)
    assert rl["n_institutions"] == 3 and len(rl["institution_values"]) == 3
    assert sorted(rl["positions"]) == [0, 75, 100]


# -- 4. An official assessment without any value does not break the benchmark -------------------------


def test_the_benchmark_lists_a_country_without_a_value_as_such(client, small, coordinator):
    scored = Hand(small, coordinator, country="FR").open()
    labour = scored.institution("Labour")
    scored.person("l", labour)
    scored.answer("l", "RL-01", "3"), scored.answer("l", "SD-01", "3")
    make_public(scored.a, official=True)
    empty = Hand(small, coordinator, country="DE")
    make_public(empty.a, official=True)
    response = client.get("/api/benchmark.json?framework=small")
    assert response.status_code == 200
    germany = next(c for c in response.json()["countries"] if c["country"] == "DE")
    assert germany["score"] is None and germany["band"] is None
    page = client.get("/en/results/benchmark/?framework=small")
    assert page.status_code == 200 and "nan" not in page.text.lower().replace("governance", "")


# -- 5. Every score says what it rests on; below the minimum it is insufficient -----------------------


def test_a_score_resting_on_too_few_indicators_is_insufficient_and_shown_as_such(client, db, coordinator):
    data = small_framework_data()
    data["coverage"] = {"category": 0.6, "overall": 0.75}
    data["indicators"].append(
        {"code": "SD-02", "categories": {"criterion": "SD"}, "question": {"en": "Q?", "fr": "Q ?"}}
    )
    framework = framework_load(text=dump(data)).framework
    hand = Hand(framework, coordinator)
    labour = hand.institution("Labour")
    hand.person("l", labour)
    hand.open()
    hand.answer("l", "RL-01", "2")
    hand.answer("l", "SD-01", "4")  # weight 2
    results = hand.results()
    sd = by_code(results["dimensions"]["criterion"], "SD")
    # SD: 1 of 2 indicators scored (50% < 60%): insufficient, no band; its weight share is 2 of 3.
    assert (sd["n_indicators"], sd["n_total"], sd["insufficient"], sd["band"]) == (1, 2, True, None)
    assert sd["weight_share"] == pytest.approx(2 / 3)
    rl = by_code(results["dimensions"]["criterion"], "RL")
    assert (rl["insufficient"], rl["band"]) == (False, "high")  # 50 is in [50, 100]
    overall = results["overall"]
    # Overall: completeness 2 of 3 (67% < 75%): insufficient, no band, though it has a score.
    assert overall["completeness"] == pytest.approx(2 / 3) and overall["insufficient"] is True
    assert overall["band"] is None and overall["score"] == pytest.approx((50 + 200) / 3)
    assert (overall["n_indicators"], overall["n_total"]) == (2, 3)
    client.force_login(coordinator)
    page = client.get(reverse("results:dashboard", args=[hand.a.pk]) + "?dimension=criterion").text
    assert (
        "based on 2 of 3 indicators" in page
        and "score-insufficient" in page
        and "based on 1 of 2 indicators" in page
    )
    csv_text = (
        client.get(reverse("results:data_download", args=[hand.a.pk, "results", "csv"]) + "?table=categories")
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "n_total" in csv_text.splitlines()[0] and "insufficient" in csv_text.splitlines()[0]


# -- 6. Disagreement needs two institutions; alpha says what it rests on -------------------------------


def test_disagreement_is_null_with_one_institution_and_alpha_counts_its_pairs(small, coordinator):
    hand = Hand(small, coordinator)
    labour, union = hand.institution("Labour"), hand.institution("Union", "workers")
    hand.person("l1", labour), hand.person("l2", labour), hand.person("u", union)
    hand.open()
    hand.answer("l1", "RL-01", "0"), hand.answer("l2", "RL-01", "4")  # one institution, two people
    hand.answer("l1", "SD-01", "1"), hand.answer("u", "SD-01", "4")
    results = hand.results()
    assert by_code(results["indicators"], "RL-01")["disagreement"] is None  # one institution: no flag
    assert by_code(results["indicators"], "SD-01")["disagreement"] is True  # 25 vs 100
    # Pairable answers: RL-01 has 2 (l1, l2), SD-01 has 2 (l1, u): 4.
    assert results["coherence"]["krippendorff_pairable"] == 4


# -- 7. The coherence index stands beside the overall score, saying what it measures --------------------


def test_the_coherence_index_says_it_measures_consistency_not_level(client, small, coordinator, tmp_path):
    hand = Hand(small, coordinator)
    labour, union = hand.institution("Labour"), hand.institution("Union", "workers")
    hand.person("l", labour), hand.person("u", union)
    hand.open()
    for who in ("l", "u"):  # uniformly weak: every answer "Absent"
        hand.answer(who, "RL-01", "0"), hand.answer(who, "SD-01", "0")
    results = hand.results()
    assert results["overall"]["score"] == 0 and results["coherence"]["horizontal"] == 100
    client.force_login(coordinator)
    page = client.get(reverse("results:dashboard", args=[hand.a.pk])).text
    assert "It measures consistency, not level" in page
    assert page.index('id="overall-score"') < page.index("coherence-caveat")  # beside, after the score


# -- 8. One rounding rule everywhere; dates written out ------------------------------------------------


def test_the_same_figure_reads_the_same_on_the_page_in_the_chart_and_in_the_pdf(
    client, db, coordinator, tmp_path
):
    data = small_framework_data()
    data["scale"]["levels"][1]["value"] = 32.5  # a level worth 32.5: banker's rounding would print 32
    framework = framework_load(text=dump(data)).framework
    hand = Hand(framework, coordinator)
    labour = hand.institution("Labour")
    hand.person("l", labour)
    hand.open()
    hand.answer("l", "RL-01", "1")
    client.force_login(coordinator)
    page = client.get(reverse("results:dashboard", args=[hand.a.pk]))
    radar = next(f for f in page.context["figures"] if f.id == "radar")
    chart_texts = [t for trace in radar.spec["data"][1:] for t in trace.get("text", [])]
    assert "33" in chart_texts and "32" not in chart_texts
    assert radar.rows[0][1] == "33"
    pdf = client.get(reverse("results:summary_pdf", args=[hand.a.pk]))
    path = tmp_path / "s.pdf"
    path.write_bytes(b"".join(pdf.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "33" in text and "32.5" not in text
    today = timezone.localdate()
    assert f"{today.day} {today:%B} {today.year}" in text  # e.g. 2 December 2026, never 12/02/2026


# -- 9. Publication: a checklist first; below the minimum, a reason, shown to the public -------------------


def test_moving_on_shows_the_checklist_and_publishing_below_the_minimum_records_a_reason(
    client, small, coordinator
):
    hand = Hand(small, coordinator)
    labour = hand.institution("Labour")
    union = hand.institution("Union", "workers")
    employers = hand.institution("Employers", "employers")
    hand.person("l", labour)
    hand.person("u", union)
    hand.person("e", employers)
    reviewer = hand.person("rev", role=Role.REVIEWER)
    hand.open()
    hand.answer("l", "RL-01", "0")
    hand.answer("u", "RL-01", "4")  # they disagree; the employers never answer
    client.force_login(coordinator)
    response = client.get(reverse("assessments:transition", args=[hand.a.pk]) + "?to=review", follow=True)
    checklist = response.text
    assert "Completeness: 33%" in checklist  # 2 answers of 6 expected
    assert "1 indicator where institutions disagree has no consensus" in checklist
    assert "1 institution never answered:</strong> Employers" in checklist
    assessment_transition(assessment=hand.a, to="review", user=coordinator)
    assessment_transition(assessment=hand.a, to="validated", user=reviewer)
    url = reverse("results:checklist", args=[hand.a.pk]) + "?to=published"
    refused = client.post(url, {"to": "published", "comment": ""})
    assert "give the reason" in refused.text and Assessment.objects.get(pk=hand.a.pk).status == "validated"
    client.post(url, {"to": "published", "override_reason": "The employers declined to take part."})
    make_public(hand.a)  # listed by a site administrator
    client.logout()
    public = client.get(hand.a.get_absolute_url()).text
    assert "Published on" in public and "below the framework" in public
    assert "The employers declined to take part." in public


# -- 10. The benchmark: the official figure, others beside it, insufficient ones out of the counts -------


def test_the_benchmark_takes_the_official_figure_and_lists_others_beside_it(client, small, coordinator):
    def scored(country, kind, level, author="", official=False, complete=True):
        hand = Hand(small, coordinator, country=country, kind=kind)
        hand.a.author_organisation = author
        hand.a.save(update_fields=["author_organisation"])
        labour = hand.institution("Labour")
        hand.person(f"{country}{kind}", labour)
        hand.open()
        hand.answer(f"{country}{kind}", "RL-01", level)
        if complete:
            hand.answer(f"{country}{kind}", "SD-01", level)
        make_public(hand.a, official=official)
        return hand.a

    scored("FR", "self", "4", official=True)  # 100: the official figure
    scored("FR", "independent", "0", author="CGT")  # beside, never instead
    scored("FR", "self", "1")  # a self-assessment nobody endorsed: beside too
    scored("ES", "self", "3", official=True, complete=False)  # completeness 50%: exactly the minimum
    scored("PT", "self", "0", official=True, complete=False)
    Assessment.objects.filter(country="PT").update(round="2027")
    data = client.get("/api/benchmark.json?framework=small").json()
    france = next(c for c in data["countries"] if c["country"] == "FR")
    assert france["official"] and france["score"] == 100
    assert sorted((b["kind"], b["author_organisation"]) for b in france["beside"]) == [
        ("independent", "CGT"),
        ("self", ""),
    ]
    counts = {b["band"]: b["count"] for b in data["bands"]}
    assert sum(counts.values()) == 3  # FR, ES, PT each once; the companions are not counted
    page = client.get("/en/results/benchmark/?framework=small").text
    assert "CGT" in page


# -- 11. Without ranking, no rank anywhere ----------------------------------------------------------------


def test_a_framework_without_ranking_shows_no_rank_column_and_no_score_order(client, db, coordinator):
    data = small_framework_data()
    data["ranking"] = False
    framework = framework_load(text=dump(data)).framework
    for country, level in (("FR", "4"), ("DE", "0")):
        hand = Hand(framework, coordinator, country=country)
        labour = hand.institution("Labour")
        hand.person(country, labour)
        hand.open()
        hand.answer(country, "RL-01", level), hand.answer(country, "SD-01", level)
        make_public(hand.a, official=True)
    data = client.get("/api/benchmark.json?framework=small").json()
    assert [c["name"] for c in data["countries"]] == ["France", "Germany"]
    assert all("rank" not in c for c in data["countries"])
    page = client.get("/en/results/benchmark/?framework=small")
    assert ">Rank<" not in page.text and "?sort=score" not in page.text
    chart = page.context["figure"].spec
    assert chart["layout"]["xaxis"]["categoryarray"] == ["France", "Germany"]  # alphabetical, not by score


# -- 12. The report says what its data says ---------------------------------------------------------------


def test_the_report_states_completeness_who_answered_and_what_consensus_settled(small, coordinator, tmp_path):
    hand = Hand(small, coordinator)
    labour, union = hand.institution("Labour"), hand.institution("Union", "workers")
    hand.institution("Employers", "employers")  # invited, never answered
    hand.person("l", labour), hand.person("u", union)
    hand.open()
    hand.answer("l", "RL-01", "0"), hand.answer("u", "RL-01", "4")
    hand.answer("l", "SD-01", "0"), hand.answer("u", "SD-01", "4")
    hand.consensus("SD-01", "2")  # settles SD-01; RL-01 stays disputed
    report = Report.objects.create(assessment=hand.a, language="en", fingerprint="h" * 64)
    report_generate(report.pk)
    report.refresh_from_db()
    path = tmp_path / "r.pdf"
    path.write_bytes(report.file.read())
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "100%" in text and "minimum 50%" in text  # completeness beside the overall score
    assert "Invited but gave no answer: Employers" in text
    assert (
        "A consensus settled 1 indicator where institutions had differed by two levels or more: SD-01" in text
    )
    assert "RL-01 Is C97 ratified?" in text  # the disputed one, named by its question


# -- 13. Each criterion and stage in words, from the figures -----------------------------------------------


def test_each_criterion_gets_sentences_built_from_its_figures_in_three_languages(client, small, coordinator):
    hand = Hand(small, coordinator)
    labour, union = hand.institution("Labour"), hand.institution("Union", "workers")
    hand.person("l", labour), hand.person("u", union)
    hand.open()
    hand.answer("l", "RL-01", "0", implementation="paper")
    hand.answer("u", "RL-01", "4", implementation="paper")
    client.force_login(coordinator)
    page = client.get(reverse("results:dashboard", args=[hand.a.pk]))
    texts = {t.code: " ".join(t.sentences) for t in page.context["narratives"]["criterion"]}
    assert "Rule of law scores 50 out of 100" in texts["RL"]
    assert (
        "Institutions disagree by two levels or more on 1 indicator, with no consensus yet: RL-01."
        in texts["RL"]
    )
    assert (
        "100% of the answers that say how far a measure is applied say it exists on paper only."
        in texts["RL"]
    )
    assert "no score yet" in texts["SD"]
    english_url = reverse("results:dashboard", args=[hand.a.pk])
    french = client.get(english_url.replace("/en/", "/fr/"))
    french_text = " ".join(" ".join(t.sentences) for t in french.context["narratives"]["criterion"])
    assert "sur 100" in french_text and "out of 100" not in french_text
    spanish = client.get(english_url.replace("/en/", "/es/"))
    assert "sobre 100" in " ".join(" ".join(t.sentences) for t in spanish.context["narratives"]["criterion"])


# -- 15. The history says what changed ---------------------------------------------------------------------


def test_the_history_says_what_changed_never_a_level_to_itself(client, small, coordinator):
    hand = Hand(small, coordinator)
    labour = hand.institution("Labour")
    hand.person("l", labour)
    hand.open()
    hand.answer("l", "RL-01", "3", implementation="paper", justification="Law of 2019")
    hand.answer("l", "RL-01", "3", implementation="practice", justification="Law of 2019")
    hand.answer("l", "RL-01", "3", implementation="practice", justification="Law of 2019, applied since 2021")
    evidence = evidence_add(
        assessment=hand.a,
        user=coordinator,
        title="Official Gazette",
        kind="law",
        indicators=[small.indicators.get(code="RL-01")],
        url="https://gazette.example/1",
    )
    evidence_delete(evidence=evidence, user=coordinator)
    client.force_login(coordinator)
    history = client.get(reverse("assessments:indicator_detail", args=[hand.a.pk, "RL-01"])).context[
        "history"
    ]
    said = [" ".join(e.changes) for e in history]
    assert "evidence removed: Official Gazette" in said and "evidence added: Official Gazette (Law)" in said
    assert any("applied: On paper only → Implemented in practice" in s for s in said)
    assert any("justification now: “Law of 2019, applied since 2021”" in s for s in said)
    assert not any("3 · L3 → 3 · L3" in s for s in said)
