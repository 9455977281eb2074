"""Version 2026 of the SDG 10.7.2 framework follows the official structure as closely as public sources
allow, quotes target 10.7 in full, and shows no ranking (the UN publishes none); 2021 stays loadable."""

from pathlib import Path

import pytest

from indicators.loader import framework_parse
from indicators.services import framework_load

SHIPPED = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"


@pytest.fixture(scope="module")
def sdg() -> dict:
    return framework_parse((SHIPPED / "sdg-10-7-2-2026.yaml").read_text(encoding="utf-8"))


def question(framework, code) -> tuple[str, str]:
    item = next(i for i in framework["indicators"] if i["code"] == code)
    return item["categories"]["domain"], item["question"]["en"]


def test_no_ranking_and_target_10_7_quoted_in_full(sdg):
    assert sdg["ranking"] is False
    title = next(r for r in sdg["references"] if r["code"] == "SDG-10-7")["title"]
    assert "implementation of planned and well-managed migration policies" in title["en"]
    assert "politiques migratoires planifiées et bien gérées" in title["fr"]
    assert "políticas migratorias planificadas y bien gestionadas" in title["es"]


def test_the_domains_ask_what_the_official_sub_categories_ask(sdg):
    assert question(sdg, "PD2-6")[0] == "PD2" and "integration" in question(sdg, "PD2-6")[1]
    assert question(sdg, "PD3-6")[0] == "PD3" and "inter-ministerial" in question(sdg, "PD3-6")[1]
    assert question(sdg, "PD3-7")[0] == "PD3" and "regional agreement" in question(sdg, "PD3-7")[1]
    domain, text = question(sdg, "PD3-8")
    assert domain == "PD3" and "civil society and the private sector" in text
    assert question(sdg, "PD6-6")[0] == "PD6" and "visa" in question(sdg, "PD6-6")[1]
    coordination = [i for i in sdg["indicators"] if "inter-ministerial" in i["question"]["en"]]
    assert {i["categories"]["domain"] for i in coordination} == {"PD3"}


def test_2026_loads_after_2021_and_accounts_for_every_2021_indicator(db):
    old = framework_load(text=(SHIPPED / "sdg-10-7-2-2021.yaml").read_text(encoding="utf-8")).framework
    new = framework_load(text=(SHIPPED / "sdg-10-7-2-2026.yaml").read_text(encoding="utf-8")).framework
    assert set(new.continuity["indicators"]) == set(old.indicators.values_list("code", flat=True))
    assert new.continuity["indicators"]["PD3-4"]["to"] == ["PD3-8"]
    assert not new.ranking and old.ranking
