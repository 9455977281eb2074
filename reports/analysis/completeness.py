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

    ``participants`` lists the people whose role answers (the selector leaves out reviewers and observers).
    Each is expected to answer every indicator in ``indicators``, or, when the frame has a ``scope``
    column and it holds codes for them (a workshop guest: the indicators of the sessions they joined),
    those indicators only. Per category, the expected answers are each person's expected indicators
    beneath it; parents are included when ``categories`` is given, else only the categories named in
    ``memberships``. The caller leaves out indicators settled as not applicable: nobody is expected to
    answer those.
    """
    codes = list(dict.fromkeys(str(code) for code in indicators["code"]))
    everything = frozenset(codes)
    people = participants.drop_duplicates("participant")
    scope_column = (
        people["scope"] if "scope" in people else pd.Series([None] * len(people), index=people.index)
    )
    scopes = {
        participant: everything
        if scope is None or scope is pd.NA
        else everything & frozenset(map(str, scope))
        for participant, scope in zip(people["participant"], scope_column, strict=True)
    }
    given = responses.loc[
        responses["answer"].isin([LEVEL, NOT_APPLICABLE]) & responses["participant"].isin(list(scopes)),
        ["indicator", "participant"],
    ].drop_duplicates()
    in_scope = [
        indicator in scopes[person]
        for indicator, person in zip(given["indicator"], given["participant"], strict=True)
    ]
    answered = given.loc[in_scope] if len(given) else given

    per_person = answered.groupby("participant").size()
    person_answered = people["participant"].map(per_person).fillna(0).astype(int)
    person_expected = people["participant"].map(lambda p: len(scopes[p])).astype(int)
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
    # People grouped by what they are expected to answer: usually one group, the whole framework.
    scope_sizes: dict[frozenset, int] = {}
    for scope in scopes.values():
        scope_sizes[scope] = scope_sizes.get(scope, 0) + 1
    rows = []
    for dimension in frame["dimension"].drop_duplicates():
        tree = _dimension_tree(frame, dimension)
        beneath = _indicators_beneath(tree, memberships, dimension)
        for code in tree.order:
            here = [c for c in beneath[code] if c in everything]
            rows.append(
                {
                    "dimension": dimension,
                    "category": code,
                    "answered": int(per_indicator.reindex(here).fillna(0).sum()),
                    "expected": sum(len(scope.intersection(here)) * n for scope, n in scope_sizes.items()),
                }
            )
    by_category = pd.DataFrame(rows, columns=["dimension", "category", "answered", "expected"])
    by_category["completeness"] = _fraction(by_category["answered"], by_category["expected"])

    expected = int(person_expected.sum())
    return Completeness(
        overall=len(answered) / expected if expected else 0.0,
        answered=len(answered),
        expected=expected,
        by_participant=by_participant,
        by_category=by_category,
    )
