"""Which kind of entity may sit under which, and which grid level binds to which kind.

From DOMAIN.md: county > township/street > village/community > compound; units, enterprises,
schools and parks belong to the county, a township, or a village/community. Grids: level 1 is a
township's (一级网格), level 2 a village's or community's (二级), level 3 a group or building
under a level-2 grid (三级, 10-20 households).
"""

from __future__ import annotations

from typing import get_args

from wuyi_contracts.registry import EntityKind
from wuyi_core.errors import InvalidInput

KINDS: tuple[str, ...] = get_args(EntityKind)

KIND_NAMES_ZH = {
    "county": "县/区",
    "township": "乡镇/街道",
    "village": "村",
    "community": "社区",
    "compound": "小区",
    "unit": "单位",
    "enterprise": "企业",
    "school": "学校",
    "park": "园区",
}

_ORGANISATION_PARENTS = frozenset({"county", "township", "village", "community"})

ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    "county": frozenset(),
    "township": frozenset({"county"}),
    "village": frozenset({"township"}),
    "community": frozenset({"township"}),
    "compound": frozenset({"village", "community"}),
    "unit": _ORGANISATION_PARENTS,
    "enterprise": _ORGANISATION_PARENTS,
    "school": _ORGANISATION_PARENTS,
    "park": frozenset({"county", "township"}),
}

GRID_ENTITY_KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"township"}),
    2: frozenset({"village", "community", "unit", "enterprise", "school", "park"}),
    3: frozenset({"village", "community", "compound", "unit", "enterprise", "school", "park"}),
}


def _zh(kinds: frozenset[str]) -> str:
    return "、".join(KIND_NAMES_ZH[k] for k in sorted(kinds))


def check_parent(kind: str, parent_kind: str | None) -> None:
    """Raise ``InvalidInput`` naming the rule when ``kind`` may not sit under ``parent_kind``."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind is None and allowed:
        raise InvalidInput(
            f"{KIND_NAMES_ZH[kind]}必须指定上级（允许：{_zh(allowed)}）",
            f"a {kind} needs a parent ({', '.join(sorted(allowed))})",
            "parent_id",
        )
    if parent_kind is not None and parent_kind not in allowed:
        if not allowed:
            raise InvalidInput(
                "县/区是部署单位的根，不能有上级",
                "a county is the tenant root and has no parent",
                "parent_id",
            )
        raise InvalidInput(
            f"{KIND_NAMES_ZH[kind]}的上级只能是{_zh(allowed)}，不能是{KIND_NAMES_ZH[parent_kind]}",
            f"the parent of a {kind} must be one of {', '.join(sorted(allowed))}, "
            f"not a {parent_kind}",
            "parent_id",
        )


def check_grid_entity(level: int, entity_kind: str) -> None:
    allowed = GRID_ENTITY_KINDS[level]
    if entity_kind not in allowed:
        raise InvalidInput(
            f"{level}级网格只能设在{_zh(allowed)}，不能设在{KIND_NAMES_ZH[entity_kind]}",
            f"a level-{level} grid belongs to one of {', '.join(sorted(allowed))}, "
            f"not a {entity_kind}",
            "entity_id",
        )


def check_grid_parent(level: int, parent_level: int | None) -> None:
    """Level 1 has no parent grid; level N's parent is a level N-1 grid."""
    if level == 1 and parent_level is not None:
        raise InvalidInput(
            "一级网格没有上级网格", "a level-1 grid has no parent grid", "parent_grid_id"
        )
    if level > 1 and parent_level != level - 1:
        raise InvalidInput(
            f"{level}级网格的上级必须是{level - 1}级网格",
            f"the parent of a level-{level} grid must be a level-{level - 1} grid",
            "parent_grid_id",
        )
