"""A few sentences per criterion and stage, built from the figures only: templated sentences (translated in
`locale/`) with the numbers put in, so that a reader gets the gist without a single invented claim.

Pure: results data in, sentences out; the caller says which indicators each category holds and what
the previous round scored (only when the reader may see that round).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.display import NO_VALUE, percent_text, score_text

# Scores this close count as unchanged from one round to the next (half a point, after rounding).
UNCHANGED_WITHIN = 0.5


@dataclass(frozen=True)
class Previous:
    """The same category in the previous round of the assessment."""

    round: str
    score: float | None
    same_version: bool
    version: str


@dataclass(frozen=True)
class CategoryText:
    code: str
    label: str
    sentences: list[str]


def _question(indicator: dict) -> str:
    question = (indicator.get("question") or "").rstrip("?").strip()
    return f"{indicator['code']} ({question})" if question else indicator["code"]


def category_sentences(
    category: dict,
    indicators: list[dict],
    *,
    band_label: str = "",
    previous: Previous | None = None,
) -> list[str]:
    """Sentences on one category: its score and what it rests on, its strongest and weakest indicators, where
    institutions disagree, how much is on paper only, and what changed since the previous round."""
    label, score = category["label"], category["score"]
    n, total = category.get("n_indicators", 0), category.get("n_total", 0)
    sentences = []
    if score is None:
        sentences.append(
            _("%(label)s has no score yet: none of its %(total)s indicators has a value.")
            % {"label": label, "total": total}
        )
    elif category.get("insufficient"):
        sentences.append(
            _(
                "%(label)s scores %(score)s out of 100, but this rests on only %(n)s of its %(total)s "
                "indicators: read it as a first indication."
            )
            % {"label": label, "score": score_text(score), "n": n, "total": total}
        )
    else:
        sentences.append(
            _("%(label)s scores %(score)s out of 100 (%(band)s), based on %(n)s of its %(total)s indicators.")
            % {
                "label": label,
                "score": score_text(score),
                "band": band_label or NO_VALUE,
                "n": n,
                "total": total,
            }
        )
    valued = sorted((i for i in indicators if i["value"] is not None), key=lambda i: (-i["value"], i["code"]))
    if len(valued) >= 2 and valued[0]["value"] != valued[-1]["value"]:
        strongest, weakest = valued[0], valued[-1]
        sentences.append(
            _("Strongest: %(indicator)s, at %(value)s.")
            % {"indicator": _question(strongest), "value": score_text(strongest["value"])}
        )
        sentences.append(
            _("Weakest: %(indicator)s, at %(value)s.")
            % {"indicator": _question(weakest), "value": score_text(weakest["value"])}
        )
    disputed = [i for i in indicators if i.get("disagreement") and i.get("source") != "consensus"]
    compared = [i for i in indicators if i.get("disagreement") is not None]
    if disputed:
        codes = ", ".join(i["code"] for i in disputed)
        sentences.append(
            ngettext(
                "Institutions disagree by two levels or more on %(n)s indicator, with no consensus yet: "
                "%(codes)s.",
                "Institutions disagree by two levels or more on %(n)s indicators, with no consensus yet: "
                "%(codes)s.",
                len(disputed),
            )
            % {"n": len(disputed), "codes": codes}
        )
    elif compared:
        sentences.append(
            _("Where two or more institutions answered, they do not differ by two levels or more.")
        )
    share = category.get("paper_only_share")
    if share is not None:
        sentences.append(
            _("%(share)s of the answers that say how far a measure is applied say it exists on paper only.")
            % {"share": percent_text(share)}
        )
    if previous is not None:
        sentences.append(_change(previous, score))
    return sentences


def _change(previous: Previous, score: float | None) -> str:
    if not previous.same_version:
        return _(
            "The previous round (%(round)s) used version %(version)s of the framework: its scores are not "
            "compared with these."
        ) % {"round": previous.round, "version": previous.version}
    if score is None or previous.score is None:
        return _("There is no score to compare with the previous round (%(round)s).") % {
            "round": previous.round
        }
    difference = score - previous.score
    if abs(difference) < UNCHANGED_WITHIN:
        return _("Unchanged since the previous round (%(round)s).") % {"round": previous.round}
    if difference > 0:
        return _("Up %(points)s points since the previous round (%(round)s).") % {
            "points": score_text(difference),
            "round": previous.round,
        }
    return _("Down %(points)s points since the previous round (%(round)s).") % {
        "points": score_text(-difference),
        "round": previous.round,
    }


def dimension_texts(
    categories: list[dict],
    indicators: dict[str, dict],
    members: dict[str, list[str]],
    *,
    band_labels: dict[str, str],
    previous_scores: dict[str, float | None] | None = None,
    previous_round: str = "",
    previous_version: str = "",
    same_version: bool = True,
) -> list[CategoryText]:
    """The sentences of every top-level category of a dimension (criteria, stages)."""
    texts = []
    for category in (c for c in categories if c.get("parent") is None):
        previous = None
        if previous_scores is not None:
            previous = Previous(
                previous_round, previous_scores.get(category["code"]), same_version, previous_version
            )
        mine = [indicators[code] for code in members.get(category["code"], []) if code in indicators]
        texts.append(
            CategoryText(
                category["code"],
                category["label"],
                category_sentences(
                    category,
                    mine,
                    band_label=band_labels.get(category.get("band") or "", ""),
                    previous=previous,
                ),
            )
        )
    return texts
