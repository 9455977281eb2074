"""The methodology page: `docs/methodology.md` (and its French and Spanish versions,
`docs/methodology.fr.md`, `docs/methodology.es.md`) rendered to HTML with markdown-it, headings given
anchors so that figures can link to the definition they use. The documents are the project's own files,
never user input; rendered once per file version."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify

NUMBERED = re.compile(r"^(\d+[a-z]?)\.\s")


def anchor(title: str) -> str:
    """A heading's anchor: `definition-<n>` for the numbered definitions (the same in every language, so
    that a figure links to its definition whatever the reader's language), else the title as a slug."""
    numbered = NUMBERED.match(title)
    return f"definition-{numbered.group(1)}" if numbered else slugify(title)


DOCS = Path(__file__).resolve().parents[1] / "docs"


@dataclass(frozen=True)
class Methodology:
    html: str
    language: str  # the language of the document shown (English when no translation exists)
    title: str


def _path(lang: str) -> Path:
    translated = DOCS / f"methodology.{lang}.md"
    return translated if lang != "en" and translated.exists() else DOCS / "methodology.md"


@cache
def _render(path: Path, mtime: float) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "")
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    parser = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .use(anchors_plugin, max_level=3, slug_func=anchor)
    )
    return parser.render(body), title


def methodology(lang: str) -> Methodology:
    """The methodology in this language if it exists, else in English."""
    path = _path(lang)
    html, title = _render(path, path.stat().st_mtime)
    language = lang if path.name != "methodology.md" else "en"
    return Methodology(html=html, language=language, title=title)
