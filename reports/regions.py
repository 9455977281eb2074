"""Regions of countries: UN M49 sub-regions (from country_converter's table) and the SDG regional groups.

country_converter's module cannot be imported with pandas 3 (its table loses Namibia's code "NA" to
a missing value), so its table is read here directly, with missing-value parsing off. The SDG
regional groups are unions of M49 sub-regions, listed in reports/data/sdg_regions.csv.
"""

from functools import cache
from importlib.util import find_spec
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext_lazy as _

SDG_GROUPS = Path(__file__).resolve().parent / "data" / "sdg_regions.csv"


def _country_table_path() -> Path:
    spec = find_spec("country_converter")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("country_converter is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"


@cache
def country_regions() -> pd.DataFrame:
    """One row per country: iso2, iso3, name, m49_subregion, sdg_region (empty where the UN gives none)."""
    table = pd.read_csv(_country_table_path(), sep="\t", dtype=str, keep_default_na=False)
    groups = pd.read_csv(SDG_GROUPS, dtype=str, keep_default_na=False)
    frame = table.rename(
        columns={"ISO2": "iso2", "ISO3": "iso3", "name_short": "name", "UNregion": "m49_subregion"}
    )[["iso2", "iso3", "name", "m49_subregion"]]
    # A few codes are stored as patterns of alternatives ("^GB$|^UK$"): the first is the ISO one.
    frame = frame.assign(iso2=frame["iso2"].str.split("|").str[0].str.strip("^$"))
    frame = frame.loc[frame["iso2"].str.fullmatch(r"[A-Z]{2}")]  # historical entities have no ISO code
    return frame.merge(groups, on="m49_subregion", how="left").fillna({"sdg_region": ""})


def region_of(iso2: str) -> tuple[str, str]:
    """(M49 sub-region, SDG region) of a country by its ISO 3166 alpha-2 code; empty strings if unknown."""
    rows = country_regions()
    match = rows[rows["iso2"] == iso2]
    if match.empty:
        return "", ""
    return match.iloc[0]["m49_subregion"], match.iloc[0]["sdg_region"]


# The SDG regional groups' names, translated (the table holds them in English).
REGION_LABELS = {
    "Australia and New Zealand": _("Australia and New Zealand"),
    "Central and Southern Asia": _("Central and Southern Asia"),
    "Eastern and South-Eastern Asia": _("Eastern and South-Eastern Asia"),
    "Europe and Northern America": _("Europe and Northern America"),
    "Latin America and the Caribbean": _("Latin America and the Caribbean"),
    "Northern Africa and Western Asia": _("Northern Africa and Western Asia"),
    "Oceania*": _("Oceania (excluding Australia and New Zealand)"),
    "Sub-Saharan Africa": _("Sub-Saharan Africa"),
}


def region_label(name: str) -> str:
    """An SDG region's name in the reader's language ('' stays '')."""
    return str(REGION_LABELS.get(name, name))
