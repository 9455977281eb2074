"""Framework data for tests: a small valid framework (two criteria, nested areas, a 0-4 scale)."""

import copy

import yaml

SMALL = {
    "format": 1,
    "slug": "small",
    "version": "1.0",
    "languages": ["en", "fr"],
    "title": {"en": "Small framework", "fr": "Petit cadre"},
    "aggregation": "flat",
    "scale": {
        "code": "levels-0-4",
        "label": {"en": "Five levels", "fr": "Cinq niveaux"},
        "levels": [
            {"code": str(i), "value": v, "label": {"en": f"L{i}", "fr": f"N{i}"}}
            for i, v in enumerate([0, 25, 50, 75, 100])
        ],
    },
    "bands": [
        {"code": "low", "lower": 0, "upper": 50, "label": {"en": "Low", "fr": "Bas"}},
        {"code": "high", "lower": 50, "upper": 100, "label": {"en": "High", "fr": "Haut"}},
    ],
    "references": [{"code": "C97", "kind": "ilo-convention", "title": {"en": "C97", "fr": "C97"}}],
    "dimensions": [
        {
            "code": "criterion",
            "role": "criteria",
            "primary": True,
            "required": True,
            "label": {"en": "Criterion", "fr": "Critère"},
            "categories": [
                {"code": "RL", "label": {"en": "Rule of law", "fr": "État de droit"}},
                {"code": "SD", "label": {"en": "Social dialogue", "fr": "Dialogue social"}},
            ],
        },
        {
            "code": "area",
            "multiple": True,
            "label": {"en": "Area", "fr": "Domaine"},
            "categories": [
                {
                    "code": "A",
                    "label": {"en": "A", "fr": "A"},
                    "children": [
                        {"code": "A1", "label": {"en": "A1", "fr": "A1"}},
                        {"code": "A2", "label": {"en": "A2", "fr": "A2"}},
                    ],
                }
            ],
        },
    ],
    "indicators": [
        {
            "code": "RL-01",
            "categories": {"criterion": "RL", "area": ["A1", "A2"]},
            "question": {"en": "Is C97 ratified?", "fr": "La C97 est-elle ratifiée ?"},
            "levels": {"0": {"en": "No", "fr": "Non"}, "4": {"en": "Yes", "fr": "Oui"}},
            "references": ["C97"],
        },
        {
            "code": "SD-01",
            "weight": 2,
            "categories": {"criterion": "SD"},
            "question": {"en": "Are unions consulted?", "fr": "Les syndicats sont-ils consultés ?"},
        },
    ],
}


def small_framework_data() -> dict:
    """A deep copy of the small framework, to edit in a test."""
    return copy.deepcopy(SMALL)


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
