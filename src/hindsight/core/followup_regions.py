"""The named regions of the value-versus-feasibility grid, read from data.

Value runs 1 (low) to 5 (high); feasibility runs 1 (very hard) to 5 (easy and cheap). Each
region is a rectangle of cells; together the regions must cover every cell exactly once, so
every item belongs to exactly one region. Names, bounds and colours live in
resources/followup_regions.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hindsight.core.followups import SCALE

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class RegionError(ValueError):
    """A regions file that does not describe a usable grid."""


@dataclass(frozen=True, slots=True)
class Region:
    """A named block of the grid: value from value_low to value_high, same for feasibility."""

    key: str
    name: str
    description: str
    value_low: int
    value_high: int
    feasibility_low: int
    feasibility_high: int
    order: int  # its place in the ranked list, smallest first
    strategic: bool = False  # reviewed with senior leads on its own schedule, never ranked
    colour: str = "#eef1f5"

    def contains(self, value: int, feasibility: int) -> bool:
        """True when the cell (value, feasibility) lies in this region."""
        return (
            self.value_low <= value <= self.value_high
            and self.feasibility_low <= feasibility <= self.feasibility_high
        )

    def cells(self) -> Iterator[tuple[int, int]]:
        """Every (value, feasibility) cell of the region."""
        for value in range(self.value_low, self.value_high + 1):
            for feasibility in range(self.feasibility_low, self.feasibility_high + 1):
                yield value, feasibility


@dataclass(frozen=True, slots=True)
class RegionMap:
    """All the regions of the grid; every cell belongs to exactly one."""

    regions: tuple[Region, ...]
    # Looked up for every item on every redraw: one dictionary lookup, not a search.
    _cells: dict[tuple[int, int], Region] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        _check_tiling(self.regions)
        for region in self.regions:
            for cell in region.cells():
                self._cells[cell] = region

    def at(self, value: int, feasibility: int) -> Region:
        """The region holding the cell (value, feasibility)."""
        try:
            return self._cells[(value, feasibility)]
        except KeyError:
            raise RegionError(f"no region holds value {value}, feasibility {feasibility}") from None

    def by_key(self, key: str) -> Region:
        """The region called `key` in the data file."""
        for region in self.regions:
            if region.key == key:
                return region
        raise KeyError(key)

    def in_order(self) -> list[Region]:
        """The regions in ranking order (strategic ones last)."""
        return sorted(self.regions, key=lambda r: (r.strategic, r.order, r.key))


def _check_tiling(regions: tuple[Region, ...]) -> None:
    if not regions:
        raise RegionError("the grid needs at least one region")
    keys = [r.key for r in regions]
    if len(set(keys)) != len(keys):
        raise RegionError(f"region keys must be unique: {keys}")
    owner: dict[tuple[int, int], str] = {}
    for region in regions:
        for low, high, what in (
            (region.value_low, region.value_high, "value"),
            (region.feasibility_low, region.feasibility_high, "feasibility"),
        ):
            if low not in SCALE or high not in SCALE or low > high:
                raise RegionError(
                    f"region {region.key!r}: {what} bounds must run upwards within 1..5, "
                    f"not {low}..{high}"
                )
        for cell in region.cells():
            if cell in owner:
                raise RegionError(
                    f"regions {owner[cell]!r} and {region.key!r} overlap at value {cell[0]}, "
                    f"feasibility {cell[1]}"
                )
            owner[cell] = region.key
    for value in SCALE:
        for feasibility in SCALE:
            if (value, feasibility) not in owner:
                raise RegionError(
                    f"no region covers value {value}, feasibility {feasibility}; "
                    "every cell of the grid needs one"
                )


def _bounds(entry: Mapping[str, Any], name: str, key: str) -> tuple[int, int]:
    bounds = entry.get(name)
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
    ):
        raise RegionError(f"region {key!r}: {name} must be [low, high], e.g. [4, 5]")
    return bounds[0], bounds[1]


def parse_regions(data: Mapping[str, Any]) -> RegionMap:
    """Regions from the parsed TOML document (a list of [[region]] tables)."""
    entries = data.get("region")
    if not isinstance(entries, list):
        raise RegionError("the file must hold [[region]] tables")
    regions: list[Region] = []
    for number, entry in enumerate(entries, start=1):
        key = entry.get("key")
        if not isinstance(key, str) or not key:
            raise RegionError(f"region number {number} has no key")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RegionError(f"region {key!r} has no name")
        colour = entry.get("colour", "#eef1f5")
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise RegionError(f"region {key!r}: colour must look like #rrggbb")
        order = entry.get("order", number)
        if not isinstance(order, int):
            raise RegionError(f"region {key!r}: order must be a whole number")
        value_low, value_high = _bounds(entry, "value", key)
        feasibility_low, feasibility_high = _bounds(entry, "feasibility", key)
        regions.append(
            Region(
                key=key,
                name=name.strip(),
                description=str(entry.get("description", "")).strip(),
                value_low=value_low,
                value_high=value_high,
                feasibility_low=feasibility_low,
                feasibility_high=feasibility_high,
                order=order,
                strategic=bool(entry.get("strategic", False)),
                colour=colour,
            )
        )
    return RegionMap(tuple(regions))


def load_regions(path: Path) -> RegionMap:
    """Read and check a regions file; RegionError names the file and the problem."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        return parse_regions(data)
    except (OSError, tomllib.TOMLDecodeError, RegionError) as error:
        raise RegionError(f"{path}: {error}") from error
