"""Loading, exporting and versioning frameworks."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.loader import FrameworkInvalid
from indicators.models import Category, Framework, Indicator
from indicators.services import (
    FrameworkError,
    framework_data,
    framework_export,
    framework_load,
    framework_new_version,
)
from tests.frameworks import dump

pytestmark = pytest.mark.django_db

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "indicators" / "frameworks").glob("*.yaml"))


def test_loading_creates_the_whole_catalogue(small):
    framework = framework_load(text=dump(small)).framework
    assert framework.indicators.count() == 2
    assert [lv.value for lv in framework.scale.levels.all()] == [0, 25, 50, 75, 100]
    rl = framework.indicators.get(code="RL-01")
    assert sorted(str(c) for c in rl.categories.all()) == ["area:A1", "area:A2", "criterion:RL"]
    assert [r.code for r in rl.references.all()] == ["C97"]
    assert Category.objects.get(code="A1").parent.code == "A"
    assert framework.indicators.get(code="SD-01").weight == 2


def test_loading_the_same_file_twice_is_a_no_op(small):
    text = dump(small)
    first = framework_load(text=text)
    second = framework_load(text=text)
    assert first.created and not second.created
    assert second.framework.pk == first.framework.pk
    assert Framework.objects.count() == 1


def test_loading_different_content_under_an_existing_version_is_refused(small):
    framework_load(text=dump(small))
    small["indicators"][0]["question"]["en"] = "Changed?"
    with pytest.raises(FrameworkInvalid) as caught:
        framework_load(text=dump(small))
    assert "already loaded with different content" in str(caught.value)
    assert Indicator.objects.get(code="RL-01").question["en"] == "Is C97 ratified?"


def test_export_then_load_gives_an_identical_framework(small):
    original = framework_load(text=dump(small)).framework
    exported = framework_export(framework=original)
    before = framework_data(original)
    original.delete()

    reloaded = framework_load(text=exported).framework
    assert framework_data(reloaded) == before
    assert framework_export(framework=reloaded) == exported


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_framework_survives_export_and_reload(path):
    original = framework_load(text=path.read_text(encoding="utf-8")).framework
    before = framework_data(original)
    exported = framework_export(framework=original)
    original.delete()
    assert framework_data(framework_load(text=exported).framework) == before


def test_new_version_copies_everything_under_the_new_version(small):
    original = framework_load(text=dump(small)).framework
    copy = framework_new_version(framework=original, version="1.1")
    assert copy.pk != original.pk
    assert copy.version == "1.1"
    assert {**framework_data(copy), "version": "1.0"} == framework_data(original)


def test_new_version_refuses_an_existing_version(small):
    original = framework_load(text=dump(small)).framework
    with pytest.raises(FrameworkError):
        framework_new_version(framework=original, version="1.0")


def test_a_framework_nobody_uses_is_not_frozen(small):
    assert not framework_load(text=dump(small)).framework.is_in_use()


def test_load_framework_command_loads_every_shipped_framework():
    out = StringIO()
    call_command("load_framework", "--shipped", stdout=out)
    assert Framework.objects.count() == len(SHIPPED)
    call_command("load_framework", "--shipped", stdout=out)
    assert "already loaded, unchanged" in out.getvalue()


def test_load_framework_command_fails_and_lists_every_problem(small, tmp_path):
    small["indicators"][0]["categories"]["criterion"] = "XX"
    small["indicators"][1]["code"] = "RL-01"
    bad = tmp_path / "bad.yaml"
    bad.write_text(dump(small), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_framework", str(bad), stderr=err)
    assert "2 problem(s)" in err.getvalue()
    assert "unknown category XX" in err.getvalue()
    assert "duplicate indicator code RL-01" in err.getvalue()
    assert Framework.objects.count() == 0


def test_export_framework_command_writes_the_requested_version(small, tmp_path):
    framework_new_version(framework=framework_load(text=dump(small)).framework, version="2.0")
    target = tmp_path / "out.yaml"
    call_command("export_framework", "small", "--version", "1.0", "-o", str(target))
    assert "version: '1.0'" in target.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("export_framework", "nope")
