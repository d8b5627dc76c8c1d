"""The public mark: the people hurt noticed before any monitor did."""

from hindsight.core.detection import FOUND_BY_THE_AFFECTED, found_by_the_affected


def test_found_by_the_affected() -> None:
    for source in ("end_users", "customers_partners", "support"):
        assert found_by_the_affected(source)
    for source in ("monitoring", "internal_staff", None, "", ["end_users"]):
        assert not found_by_the_affected(source)
    assert frozenset({"end_users", "customers_partners", "support"}) == FOUND_BY_THE_AFFECTED
