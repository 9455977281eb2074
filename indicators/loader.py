"""Read and check a framework file (YAML) without touching the database.

`framework_parse(text)` returns the file's data when it is valid and raises `FrameworkInvalid`
with **every** problem otherwise, each with its place (a path such as `indicators[3].levels.2`,
and the line in the file). `indicators.services` writes a parsed framework to the database.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "framework.schema.json"

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class FrameworkProblem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        place = f"{where}{self.path}" if self.path else where.rstrip(", ")
        return f"{place}: {self.message}" if place else self.message


class FrameworkInvalid(Exception):
    """A framework file that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[FrameworkProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def framework_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes the document holds once every alias is expanded, counting up to just past
    `limit` (anchors let a few lines stand for billions of nodes: an "alias bomb")."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in busy:  # an alias inside itself: endless once expanded
            return limit + 1
        busy.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        busy.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _line_map(root: yaml.Node | None) -> dict[Path_, int]:
    """Path -> 1-based line of the value at that path, from YAML's node tree."""
    lines: dict[Path_, int] = {}

    def walk(node: yaml.Node, path: Path_) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return lines


def _load(text: str) -> tuple[Any, yaml.Node | None]:
    """The document's data and its node tree, refusing alias bombs before building anything."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if (
            root is not None
            and _expanded_size(root, settings.FRAMEWORK_MAX_NODES) > settings.FRAMEWORK_MAX_NODES
        ):
            raise FrameworkInvalid(
                [
                    FrameworkProblem(
                        "",
                        _(
                            "the file expands to more than %(max)s values once its anchors and aliases are "
                            "followed; write it out without them"
                        )
                        % {"max": f"{settings.FRAMEWORK_MAX_NODES:,}"},
                    )
                ]
            )
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def _schema_message(error: jsonschema.ValidationError) -> str:
    validator, value = error.validator, error.validator_value
    instance = error.instance
    if validator == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return _("missing required field(s): %(fields)s") % {"fields": ", ".join(missing)}
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in allowed) if isinstance(instance, dict) else []
        return _("unknown field(s): %(fields)s") % {"fields": ", ".join(map(str, extra))}
    if validator == "type":
        hint = ""
        if value == "string" and isinstance(instance, bool | int | float):
            hint = " " + _("(put it in quotes: YAML reads %(value)s as a %(type)s)") % {
                "value": json.dumps(instance),
                "type": type(instance).__name__,
            }
        return (
            _("must be of type %(type)s, not %(value)s") % {"type": value, "value": json.dumps(instance)}
            + hint
        )
    if validator in {"enum", "const"}:
        options = value if validator == "enum" else [value]
        return _("must be one of %(options)s, not %(value)s") % {
            "options": ", ".join(json.dumps(o) for o in options),
            "value": json.dumps(instance, ensure_ascii=False),
        }
    if validator == "pattern":
        return _("%(value)s is not a valid code or name here (expected the pattern %(pattern)s)") % {
            "value": json.dumps(instance, ensure_ascii=False),
            "pattern": value,
        }
    if validator in {"minimum", "maximum", "exclusiveMinimum"}:
        return _("%(value)s is out of range (0 to 100 for scores; weights above 0)") % {"value": instance}
    if validator in {"minItems", "minProperties", "minLength"}:
        return _("must not be empty")
    if validator == "uniqueItems":
        return _("lists the same item twice")
    if validator == "oneOf":
        return _("must be a code or a list of codes")
    if validator == "propertyNames":
        return _("%(value)s is not a language code") % {"value": json.dumps(instance, ensure_ascii=False)}
    return error.message


def _check_schema(data: Any) -> list[tuple[Path_, str]]:
    validator = jsonschema.Draft202012Validator(framework_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        problems.append((path, _schema_message(error)))
    return problems


class _Checker:
    """The rules a schema cannot express: codes that must exist, bands, translations."""

    def __init__(self, data: dict):
        self.data = data
        self.problems: list[tuple[Path_, str]] = []
        self.languages: list[str] = data["languages"]

    def add(self, path: Path_, message: str) -> None:
        self.problems.append((path, message))

    def run(self) -> list[tuple[Path_, str]]:
        data = self.data
        self.text(("title",), data["title"], required=True)
        self.text(("description",), data.get("description"))
        self.scale()
        self.bands()
        reference_codes = self.unique_codes(("references",), data.get("references", []), _("reference"))
        for i, ref in enumerate(data.get("references", [])):
            self.text(("references", i, "title"), ref["title"], required=True)
        dimensions = self.dimensions()
        self.indicators(dimensions, reference_codes)
        self.text(("weighting",), data.get("weighting"))
        self.continuity()
        return self.problems

    def continuity(self) -> None:
        """Each earlier indicator maps to this version's indicators in a way its relation allows."""
        spec = self.data.get("continuity")
        if not spec:
            return
        if spec["from"] == self.data["version"]:
            self.add(("continuity", "from"), _("a version cannot continue itself"))
        codes = {indicator["code"] for indicator in self.data["indicators"]}
        wanted = {"same": (1, 1), "revised": (1, 1), "merged": (1, 1), "split": (2, None), "dropped": (0, 0)}
        for old, link in spec["indicators"].items():
            path = ("continuity", "indicators", old)
            targets = link.get("to", [])
            low, high = wanted[link["relation"]]
            if len(targets) < low or (high is not None and len(targets) > high):
                if high == 0:
                    message = _("“%(relation)s” takes no indicator of this version")
                elif high is None:
                    message = _("“%(relation)s” needs two or more indicators of this version")
                else:
                    message = _("“%(relation)s” needs exactly one indicator of this version")
                # the relation is a keyword of the file format, printed as written
                self.add(path, message % {"relation": link["relation"]})
            for target in targets:
                if target not in codes:
                    self.add(path, _("unknown indicator %(code)s in this version") % {"code": target})
            self.text((*path, "note"), link.get("note"))

    def text(self, path: Path_, value: dict | None, *, required: bool = False) -> None:
        if value is None:
            return
        for lang in value:
            if lang not in self.languages:
                self.add(
                    (*path, lang),
                    _("text in %(lang)s, which the framework's languages do not list") % {"lang": lang},
                )
        if required:
            for lang in self.languages:
                if not value.get(lang):
                    self.add(path, _("missing the %(lang)s translation") % {"lang": lang})

    def unique_codes(self, path: Path_, items: list[dict], what: str) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            code = item["code"]
            if code in seen:
                self.add(
                    (*path, i, "code"), _("duplicate %(what)s code %(code)s") % {"what": what, "code": code}
                )
            seen.add(code)
        return seen

    def scale(self) -> None:
        levels = self.data["scale"]["levels"]
        self.text(("scale", "label"), self.data["scale"]["label"], required=True)
        self.unique_codes(("scale", "levels"), levels, _("level"))
        for i, level in enumerate(levels):
            self.text(("scale", "levels", i, "label"), level["label"], required=True)
            self.text(("scale", "levels", i, "descriptor"), level.get("descriptor"))
            if i and level["value"] <= levels[i - 1]["value"]:
                self.add(
                    ("scale", "levels", i, "value"),
                    _("level values must increase: %(value)s is not above %(previous)s")
                    % {"value": level["value"], "previous": levels[i - 1]["value"]},
                )

    def bands(self) -> None:
        bands = self.data["bands"]
        self.unique_codes(("bands",), bands, _("band"))
        expected = 0.0
        for i, band in enumerate(bands):
            path = ("bands", i)
            self.text((*path, "label"), band["label"], required=True)
            lower, upper = band["lower"], band["upper"]
            point_at_top = lower == upper == 100
            if upper < lower or (upper == lower and not point_at_top):
                self.add(path, _("band %(code)s is empty: lower %(lower)s, upper %(upper)s") % band)
            if lower > expected:
                self.add(
                    (*path, "lower"),
                    _("gap: no band covers %(start)s to %(end)s") % {"start": expected, "end": lower},
                )
            elif lower < expected:
                self.add(
                    (*path, "lower"),
                    _("overlap: band %(code)s starts at %(lower)s, inside the band before it") % band,
                )
            if point_at_top and i != len(bands) - 1:
                self.add(path, _("the band holding exactly 100 must come last"))
            expected = max(expected, upper)
        if expected < 100:
            self.add(("bands",), _("gap: no band covers %(start)s to 100") % {"start": expected})

    def dimensions(self) -> dict[str, dict]:
        """Dimension code -> {"spec": ..., "leaves": set, "all": set}."""
        dims = self.data["dimensions"]
        self.unique_codes(("dimensions",), dims, _("dimension"))
        result: dict[str, dict] = {}
        primaries = [i for i, d in enumerate(dims) if d.get("primary")]
        for i in primaries[1:]:
            self.add(("dimensions", i, "primary"), _("only one dimension can be primary"))
        roles: dict[str, int] = {}
        for i, dim in enumerate(dims):
            path = ("dimensions", i)
            self.text((*path, "label"), dim["label"], required=True)
            role = dim.get("role")
            if role and role in roles:
                self.add(
                    (*path, "role"), _("role %(role)s is already given to another dimension") % {"role": role}
                )
            if role:
                roles[role] = i
            leaves: set[str] = set()
            every: set[str] = set()
            self.categories((*path, "categories"), dim["categories"], every, leaves)
            result[dim["code"]] = {"spec": dim, "leaves": leaves, "all": every}
        return result

    def categories(self, path: Path_, categories: list[dict], every: set[str], leaves: set[str]) -> None:
        for i, category in enumerate(categories):
            code = category["code"]
            if code in every:
                self.add(
                    (*path, i, "code"),
                    _("duplicate category code %(code)s in this dimension") % {"code": code},
                )
            every.add(code)
            self.text((*path, i, "label"), category["label"], required=True)
            self.text((*path, i, "description"), category.get("description"))
            if category.get("children"):
                self.categories((*path, i, "children"), category["children"], every, leaves)
            else:
                leaves.add(code)

    def indicators(self, dimensions: dict[str, dict], reference_codes: set[str]) -> None:
        indicators = self.data["indicators"]
        self.unique_codes(("indicators",), indicators, _("indicator"))
        level_codes = {level["code"] for level in self.data["scale"]["levels"]}
        required = [code for code, d in dimensions.items() if d["spec"].get("required")]
        for i, indicator in enumerate(indicators):
            path = ("indicators", i)
            for field in ("question", "guidance", "evidence"):
                self.text((*path, field), indicator.get(field), required=field == "question")
            for code in required:
                if code not in indicator["categories"]:
                    self.add(
                        (*path, "categories"),
                        _("indicator %(indicator)s has no category in the required dimension %(dimension)s")
                        % {"indicator": indicator["code"], "dimension": code},
                    )
            for dim_code, value in indicator["categories"].items():
                cat_path = (*path, "categories", dim_code)
                dimension = dimensions.get(dim_code)
                if dimension is None:
                    self.add(cat_path, _("unknown dimension %(code)s") % {"code": dim_code})
                    continue
                codes = value if isinstance(value, list) else [value]
                if len(codes) > 1 and not dimension["spec"].get("multiple"):
                    self.add(
                        cat_path,
                        _("dimension %(code)s takes one category per indicator") % {"code": dim_code},
                    )
                for code in codes:
                    if code not in dimension["all"]:
                        self.add(
                            cat_path,
                            _("unknown category %(category)s in dimension %(dimension)s")
                            % {"category": code, "dimension": dim_code},
                        )
                    elif code not in dimension["leaves"]:
                        self.add(
                            cat_path,
                            _("category %(category)s has sub-categories: attach the indicator to one of them")
                            % {"category": code},
                        )
            for level_code, descriptor in indicator.get("levels", {}).items():
                if level_code not in level_codes:
                    self.add(
                        (*path, "levels", level_code),
                        _("level %(level)s is not on the scale (levels: %(levels)s)")
                        % {"level": level_code, "levels": ", ".join(sorted(level_codes))},
                    )
                self.text((*path, "levels", level_code), descriptor)
            for j, ref in enumerate(indicator.get("references", [])):
                if ref not in reference_codes:
                    self.add((*path, "references", j), _("unknown reference %(code)s") % {"code": ref})


def framework_parse(text: str) -> dict:
    """Parse and check a framework file; return its data or raise FrameworkInvalid with every problem."""
    try:
        data, root = _load(text)
    except RecursionError:
        raise FrameworkInvalid([FrameworkProblem("", _("the file is nested too deeply to read"))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = f"{exc.problem or ''} {exc.context or ''}".strip()
        column = f", column {mark.column + 1}" if mark else ""
        raise FrameworkInvalid(
            [
                FrameworkProblem(
                    "",
                    _("malformed YAML%(column)s: %(problem)s") % {"column": column, "problem": problem},
                    line,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise FrameworkInvalid(
            [FrameworkProblem("", _("malformed YAML: %(error)s") % {"error": exc})]
        ) from None
    if not isinstance(data, dict):
        raise FrameworkInvalid(
            [FrameworkProblem("", _("a framework file must be a mapping of fields, not empty"))]
        )

    lines = _line_map(root)

    def problem(path: Path_, message: str) -> FrameworkProblem:
        line = None
        for cut in range(len(path), -1, -1):
            if path[:cut] in lines:
                line = lines[path[:cut]]
                break
        return FrameworkProblem(format_path(path), message, line)

    found = _check_schema(data)
    try:
        found += _Checker(data).run()
    except (KeyError, TypeError, AttributeError, IndexError):
        # The shape is wrong somewhere the schema already reported; the rules cannot all run.
        if not found:
            raise
    if found:
        raise FrameworkInvalid([problem(path, message) for path, message in found])
    return data
