"""The grid's regions: each cell in exactly one region, at every boundary; bad files refused."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from hindsight.core.followup_regions import RegionError, load_regions, parse_regions
from hindsight.paths import resources_dir

REGIONS_FILE = resources_dir() / "followup_regions.toml"


def bundled_data() -> dict:
    with REGIONS_FILE.open("rb") as handle:
        return tomllib.load(handle)


REGIONS = load_regions(REGIONS_FILE)

# The whole grid as a reviewer reads it: value rows from 5 (top) to 1, feasibility 1 (hard)
# to 5 (easy) from left to right.
EXPECTED = {
    5: ["strategic", "strategic", "do_first", "do_first", "do_first"],
    4: ["strategic", "strategic", "do_first", "do_first", "do_first"],
    3: ["reconsider", "reconsider", "fill_ins", "fill_ins", "fill_ins"],
    2: ["reconsider", "reconsider", "fill_ins", "fill_ins", "fill_ins"],
    1: ["reconsider", "reconsider", "fill_ins", "fill_ins", "fill_ins"],
}
CELLS = [
    (value, feasibility, key)
    for value, row in EXPECTED.items()
    for feasibility, key in enumerate(row, start=1)
]


@pytest.mark.parametrize(("value", "feasibility", "key"), CELLS)
def test_every_cell_belongs_to_the_expected_region(value: int, feasibility: int, key: str) -> None:
    assert REGIONS.at(value, feasibility).key == key
    assert sum(r.contains(value, feasibility) for r in REGIONS.regions) == 1


@pytest.mark.parametrize(
    ("inside", "outside"),
    [
        # Across the value boundary between 3 and 4 ...
        ((4, 3), (3, 3)),  # do first / fill-ins
        ((4, 2), (3, 2)),  # strategic / reconsider
        # ... and across the feasibility boundary between 2 and 3.
        ((4, 3), (4, 2)),  # do first / strategic
        ((3, 3), (3, 2)),  # fill-ins / reconsider
    ],
)
def test_neighbours_across_a_boundary_differ(inside, outside) -> None:
    assert REGIONS.at(*inside).key != REGIONS.at(*outside).key


def test_region_names_and_strategic_flag_come_from_the_file() -> None:
    names = {r.key: r.name for r in REGIONS.regions}
    assert names == {
        "do_first": "Do first",
        "fill_ins": "Fill-ins",
        "reconsider": "Reconsider",
        "strategic": "Strategic",
    }
    assert [r.key for r in REGIONS.regions if r.strategic] == ["strategic"]
    assert [r.key for r in REGIONS.in_order()] == [
        "do_first",
        "fill_ins",
        "reconsider",
        "strategic",
    ]


def test_a_renamed_region_is_shown_by_its_new_name() -> None:
    data = bundled_data()
    data["region"][0]["name"] = "Quick wins"
    assert parse_regions(data).at(5, 5).name == "Quick wins"


def _broken(change) -> dict:
    data = copy.deepcopy(bundled_data())
    change(data["region"])
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r[0].__setitem__("value", [5, 5]), "no region covers value 4, feasibility 3"),
        (lambda r: r[0].__setitem__("feasibility", [2, 5]), "overlap at value 4, feasibility 2"),
        (lambda r: r[0].__setitem__("value", [4, 6]), "within 1..5"),
        (lambda r: r[0].__setitem__("value", [5, 4]), "within 1..5"),
        (lambda r: r[0].__setitem__("value", 4), r"must be \[low, high\]"),
        (lambda r: r[1].__setitem__("key", "do_first"), "unique"),
        (lambda r: r[1].__setitem__("colour", "yellow"), "#rrggbb"),
        (lambda r: r[1].__setitem__("name", " "), "has no name"),
        (lambda r: r.clear(), "at least one region"),
    ],
)
def test_an_unusable_regions_file_is_refused(change, message: str) -> None:
    with pytest.raises(RegionError, match=message):
        parse_regions(_broken(change))


def test_load_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "regions.toml"
    bad.write_text("[[region]]\nkey = 'all'\nname = 'All'\nvalue = [1, 5]\nfeasibility = [1, 4]\n")
    with pytest.raises(RegionError, match=r"regions\.toml.*no region covers value 1, feasib"):
        load_regions(bad)
    with pytest.raises(RegionError, match=r"missing\.toml"):
        load_regions(tmp_path / "missing.toml")
