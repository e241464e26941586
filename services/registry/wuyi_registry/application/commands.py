"""Registry commands (imperative): the validated input of every write, used as HTTP bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from wuyi_contracts.registry import EntityKind
from wuyi_core.text import clean_name

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(clean_name),
]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$"
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9\- ]{4,19}$")
]


class Command(BaseModel):
    # NaN and Infinity are no numbers a person means, and would be kept in a hash-chained event
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ContactIn(Command):
    """负责人 / 网格长: stored privately, never published."""

    name: Name
    phone: Phone


class Location(Command):
    """Where the entity lies, in decimal degrees within China's extent (经度 73–136, 纬度 3–54):
    a swapped pair or a number off the map is refused."""

    lon: Annotated[float, Field(ge=73, le=136, description="longitude (经度), degrees east")]
    lat: Annotated[float, Field(ge=3, le=54, description="latitude (纬度), degrees north")]


class RegisterEntity(Command):
    name: Name
    kind: EntityKind
    parent_id: str | None = None
    code: Code | None = Field(
        default=None, description="external code (e.g. 行政区划代码), unique per tenant"
    )
    address: Text | None = None
    contact: ContactIn | None = None
    location: Location | None = None


class RenameEntity(Command):
    name: Name


class MoveEntity(Command):
    parent_id: str


class CloseEntity(Command):
    reason: Text


class ChangeContact(Command):
    contact: ContactIn


class RegisterGrid(Command):
    name: Name
    level: Literal[1, 2, 3]
    entity_id: str
    parent_grid_id: str | None = None
    code: Code | None = None
    households: int | None = Field(default=None, ge=0, le=100000)
    leader: ContactIn | None = None


class RenameGrid(Command):
    name: Name


class MoveGrid(Command):
    parent_grid_id: str


class CloseGrid(Command):
    reason: Text


class ChangeLeader(Command):
    leader: ContactIn
