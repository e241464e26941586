"""Bulk registration from a roster file, row by row, with a report per row.

Each row is its own command: a bad row is rejected with its field and reason, the good rows go
in. Rows are keyed by their ``code`` (unique per tenant); a row whose code is already registered
is skipped, so importing the same file twice registers nothing twice. Parents are referred to
by code, whether registered earlier or in a row above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from wuyi_core.auth import Principal
from wuyi_core.errors import InvalidInput, WuyiError

from wuyi_registry.application import commands as c
from wuyi_registry.application.entity_handlers import register_entity
from wuyi_registry.application.grid_handlers import register_grid
from wuyi_registry.bootstrap import Registry
from wuyi_registry.domain.hierarchy import KIND_NAMES_ZH

_KINDS_BY_ZH = {zh: kind for kind, zh in KIND_NAMES_ZH.items()} | {
    "乡镇": "township",
    "街道": "township",
}
_RECORDS = {"entity": "entity", "主体": "entity", "grid": "grid", "网格": "grid"}


@dataclass(frozen=True)
class RowResult:
    row: int
    status: str  # accepted | skipped | rejected
    id: str | None = None
    field: str | None = None
    message_zh: str | None = None
    message_en: str | None = None


async def import_rows(
    reg: Registry,
    who: Principal,
    cid: str,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[int, int], None] | None = None,
) -> list[RowResult]:
    results = []
    for done, (number, row) in enumerate(rows, start=1):
        results.append(await _import_row(reg, who, cid, number, row))
        if progress:
            progress(done, len(rows))
    return results


async def _import_row(
    reg: Registry, who: Principal, cid: str, number: int, row: dict[str, str]
) -> RowResult:
    try:
        record = _RECORDS.get(row.get("record", ""))
        if record is None:
            raise InvalidInput(
                "类别必须是“主体”或“网格”", "record must be entity or grid", "record"
            )
        code = row.get("code")
        if not code:
            raise InvalidInput("导入时编码必填", "code is required when importing", "code")
        existing = await reg.store.key_holder(who.tenant, f"{record}-code:{code}")
        if existing:
            return RowResult(
                number,
                "skipped",
                existing,
                "code",
                "编码已登记，跳过",
                "code already registered; skipped",
            )
        view = await (
            _entity(reg, who, cid, row) if record == "entity" else _grid(reg, who, cid, row)
        )
        return RowResult(number, "accepted", view["id"])
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        return RowResult(
            number,
            "rejected",
            None,
            field,
            f"{field}：格式或取值不正确",
            f"{field}: {first['msg']}",
        )
    except WuyiError as err:
        return RowResult(number, "rejected", None, err.field, err.message_zh, err.message_en)


async def _entity(reg: Registry, who: Principal, cid: str, row: dict[str, str]) -> dict[str, Any]:
    parent_id = await _by_code(reg, who, "entity", row.get("parent_code"), "parent_code")
    kind = _KINDS_BY_ZH.get(row.get("kind", ""), row.get("kind"))
    cmd = c.RegisterEntity.model_validate(
        {  # validated like an HTTP body: a bad cell is 422
            "name": row.get("name", ""),
            "kind": kind,
            "parent_id": parent_id,
            "code": row.get("code"),
            "address": row.get("address"),
            "contact": _contact(row),
            "location": _location(row),
        }
    )
    return await register_entity(reg, who, cid, cmd)


def _location(row: dict[str, str]) -> dict[str, str] | None:
    """Both 经度 and 纬度, or neither (one alone is refused as a missing field)."""
    lon, lat = row.get("lon"), row.get("lat")
    if not lon and not lat:
        return None
    return {k: v for k, v in (("lon", lon), ("lat", lat)) if v}


async def _grid(reg: Registry, who: Principal, cid: str, row: dict[str, str]) -> dict[str, Any]:
    entity_id = await _by_code(reg, who, "entity", row.get("entity_code"), "entity_code")
    if entity_id is None:
        raise InvalidInput(
            "网格必须填写所属主体编码", "entity_code is required for a grid", "entity_code"
        )
    parent = await _by_code(reg, who, "grid", row.get("parent_code"), "parent_code")
    level = row.get("level", "")
    cmd = c.RegisterGrid.model_validate(
        {
            "name": row.get("name", ""),
            "level": int(level) if level.isdigit() else level,
            "entity_id": entity_id,
            "parent_grid_id": parent,
            "code": row.get("code"),
            "households": row.get("households"),
            "leader": _contact(row),
        }
    )
    return await register_grid(reg, who, cid, cmd)


def _contact(row: dict[str, str]) -> c.ContactIn | None:
    if "contact_name" not in row and "contact_phone" not in row:
        return None
    return c.ContactIn(name=row.get("contact_name", ""), phone=row.get("contact_phone", ""))


async def _by_code(
    reg: Registry, who: Principal, record: str, code: str | None, field: str
) -> str | None:
    if not code:
        return None
    holder = await reg.store.key_holder(who.tenant, f"{record}-code:{code}")
    if holder is None:
        raise InvalidInput(
            f"找不到编码为 {code} 的上级", f"{field}: nothing registered as {code}", field
        )
    return holder
