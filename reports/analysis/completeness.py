"""Completeness: answers given over answers expected, per person, per category and overall."""

from dataclasses import dataclass

import pandas as pd

from reports.analysis.base import (
    LEVEL,
    NOT_APPLICABLE,
    _categories_from_memberships,
    _dimension_tree,
    _indicators_beneath,
)


@dataclass(frozen=True)
class Completeness:
    """Share of expected answers given (a level or N/A), overall, per participant and per category."""

    overall: float
    answered: int
    expected: int
    by_participant: pd.DataFrame
    by_category: pd.DataFrame


def _fraction(answered: pd.Series, expected: pd.Series) -> pd.Series:
    # Nothing expected counts as 0 complete, never as a division by zero.
    return (answered / expected.where(expected > 0)).fillna(0.0).astype(float)


def completeness(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    indicators: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame | None = None,
) -> Completeness:
    """Answered (a level or N/A) / expected, as a fraction 0-1; "don't know" counts as unanswered.

    Every listed participant is expected to answer every indicator. Per category, the expected answers are
    the participants times the indicators beneath it; parents are included when ``categories`` is given,
    else only the categories named in ``memberships``.
    """
    codes = list(dict.fromkeys(str(code) for code in indicators["code"]))
    people = participants.drop_duplicates("participant")
    answered = responses.loc[
        responses["answer"].isin([LEVEL, NOT_APPLICABLE])
        & responses["participant"].isin(people["participant"].tolist())
        & responses["indicator"].isin(codes),
        ["indicator", "participant"],
    ].drop_duplicates()

    per_person = answered.groupby("participant").size()
    person_answered = people["participant"].map(per_person).fillna(0).astype(int)
    person_expected = pd.Series(len(codes), index=people.index, dtype=int)
    by_participant = pd.DataFrame(
        {
            "participant": people["participant"].to_numpy(),
            "institution": people["institution"].to_numpy(),
            "answered": person_answered.to_numpy(),
            "expected": person_expected.to_numpy(),
            "completeness": _fraction(person_answered, person_expected).to_numpy(),
        }
    )

    frame = _categories_from_memberships(memberships) if categories is None else categories
    per_indicator = answered.groupby("indicator").size()
    expected_codes = set(codes)
    rows = []
    for dimension in frame["dimension"].drop_duplicates():
        tree = _dimension_tree(frame, dimension)
        beneath = _indicators_beneath(tree, memberships, dimension)
        for code in tree.order:
            expected_here = [c for c in beneath[code] if c in expected_codes]
            rows.append(
                {
                    "dimension": dimension,
                    "category": code,
                    "answered": int(per_indicator.reindex(expected_here).fillna(0).sum()),
                    "expected": len(expected_here) * len(people),
                }
            )
    by_category = pd.DataFrame(rows, columns=["dimension", "category", "answered", "expected"])
    by_category["completeness"] = _fraction(by_category["answered"], by_category["expected"])

    expected = len(codes) * len(people)
    return Completeness(
        overall=len(answered) / expected if expected else 0.0,
        answered=len(answered),
        expected=expected,
        by_participant=by_participant,
        by_category=by_category,
    )
