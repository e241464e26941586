"""The jurisdiction and grid rules of DOMAIN.md, as pure functions."""

from __future__ import annotations

import pytest
from wuyi_core.errors import InvalidInput
from wuyi_registry.domain.hierarchy import check_grid_entity, check_grid_parent, check_parent


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("township", "county"),
        ("village", "township"),
        ("community", "township"),
        ("compound", "village"),
        ("compound", "community"),
        ("unit", "county"),
        ("enterprise", "township"),
        ("school", "village"),
        ("park", "county"),
    ],
)
def test_allowed_parents_follow_the_jurisdiction_hierarchy(kind, parent):
    check_parent(kind, parent)


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("village", "county"),
        ("compound", "township"),
        ("township", "village"),
        ("park", "village"),
        ("community", "community"),
    ],
)
def test_a_wrong_parent_kind_is_refused_naming_parent_id(kind, parent):
    with pytest.raises(InvalidInput) as info:
        check_parent(kind, parent)
    assert info.value.field == "parent_id"
    assert "上级只能是" in info.value.message_zh


def test_the_county_is_the_root_and_has_no_parent():
    check_parent("county", None)
    with pytest.raises(InvalidInput, match="tenant root"):
        check_parent("county", "county")


def test_every_other_kind_needs_a_parent():
    with pytest.raises(InvalidInput, match="needs a parent"):
        check_parent("village", None)


def test_level_one_grids_belong_to_townships_only():
    check_grid_entity(1, "township")
    with pytest.raises(InvalidInput) as info:
        check_grid_entity(1, "village")
    assert info.value.field == "entity_id"


def test_a_level_three_grids_parent_is_a_level_two_grid():
    check_grid_parent(3, 2)
    for wrong in (None, 1, 3):
        with pytest.raises(InvalidInput) as info:
            check_grid_parent(3, wrong)
        assert info.value.field == "parent_grid_id"


def test_a_level_one_grid_has_no_parent_grid():
    check_grid_parent(1, None)
    with pytest.raises(InvalidInput):
        check_grid_parent(1, 1)
