"""Every message of the interface is translated: the catalogues cover what the source asks for today."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)")
SKIP = shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "__pycache__", "test-artifacts", "*.mo")


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> dict[str, polib.POFile]:
    """The catalogues as `makemessages` would leave them from today's source (in a copy of the tree)."""
    copy = tmp_path_factory.mktemp("tree") / "coherence"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    args = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v0"]
    subprocess.run(args + [f"-l{lang}" for lang in LANGUAGES], cwd=copy, check=True)
    return {
        lang: polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po")) for lang in LANGUAGES
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_interface_is_translated(fresh_catalogues, lang):
    catalogue = fresh_catalogues[lang]
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} messages without a {lang} translation, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} {lang} translations marked fuzzy (to review), e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_in_the_repository_is_the_one_the_source_makes(fresh_catalogues, lang):
    shipped = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    assert {e.msgid for e in shipped if not e.obsolete} == {e.msgid for e in fresh_catalogues[lang]}, (
        "run `manage.py makemessages -l fr -l es --no-obsolete` and translate"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translation_names_only_placeholders_its_source_fills(lang):
    shipped = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    for entry in shipped.translated_entries():
        given = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert set(PLACEHOLDER.findall(text)) <= given, (entry.msgid, text)
