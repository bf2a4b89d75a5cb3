"""The API's request and response bodies (pydantic models: the OpenAPI schema is generated from them)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, RootModel

MAX_BATCH = 500  # cases in one batch; a larger one is refused whole

Scalar = str | int | float | bool | None
CaseValue = Scalar | list[Scalar] | list[dict[str, Scalar | list[Scalar]]]
FORMATS = Literal["auto", "amparo", "htcds"]


class CaseIn(RootModel[dict[str, CaseValue]]):
    """One case in the fields of the Amparo case file or of HTCDS (docs/import-format.md): checked and
    normalised by the importer, as a row of a file is. A list is several values of a multi-valued field;
    `perpetrators` and `events` may be lists of objects."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "source_record_id": "NGO-2024-0001",
                "registration_date": "2024-03-15",
                "prs_Gender": "F",
                "age": 15,
                "vic_TypeOfExploitation": ["SexualExploitation"],
                "exploitation_ubigeo": "150101",
                "recruiter_relationship": "uncle_aunt",
            }
        }
    )


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    format: FORMATS = "auto"
    cases: Annotated[list[CaseIn], Field(min_length=1, max_length=MAX_BATCH)]


class CaseWritten(Schema):
    index: int = Field(description="The case's position in the batch, from 0.")
    id: int
    action: Literal["created", "updated"]


class BatchOut(Schema):
    batch: int = Field(description="The provenance record of this batch, as an import's.")
    created: int
    updated: int
    unchanged: int
    cases: list[CaseWritten] = Field(description="The cases created or updated; unchanged ones are only counted.")


class Identity(Schema):
    first_name: str
    second_name: str
    identity_number: str
    birthdate: str


class LinkedVictim(Schema):
    """The victim a case is about, as record linkage found them across sources."""

    key: str | None = Field(
        description="The linked victim's key, as on the linkage pages; null before any linkage run linked them."
    )
    cases: int = Field(description="The cases of this victim within your scope, this one included.")


class CaseOut(Schema):
    id: int
    source_record_id: str
    source_organisation: str
    registration_date: date
    status: str
    trafficking_status: str
    gender: str
    citizenship: str
    age_when_trafficked: int | None
    department: str
    province: str
    district: str
    exploitation_types: list[str]
    family_facilitated: bool
    organised_network: str
    synthetic: bool
    identity: Identity | None = Field(None, description="Only when asked for, to roles that may see identities.")
    linked_victim: LinkedVictim | None = Field(
        None, description="Only when asked for, to roles that review record linkage."
    )


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class Column(Schema):
    key: str
    label: str
    kind: str
    definition: str


class StatisticsTable(Schema):
    slug: str
    title: str
    definition: str
    unit: str
    unit_label: str
    suppression_threshold: int | None
    protection: dict[str, Any] = Field(description="Whether and how the figures were protected.")
    note: str
    columns: list[Column]
    rows: list[dict[str, Any]] = Field(
        description="One object per row: its key and a value per column (null when hidden)."
    )


class Figure(Schema):
    value: float | None
    label: str
    definition: str


class ShareFigure(Figure):
    ci95: list[float] | None


class TopDepartment(Schema):
    key: str
    label: str
    count: int | None
    share: float | None
    ci95: list[float | None]


class Headline(Schema):
    filters: dict[str, Any]
    year_note: str = Field(description="Which year is shown when none was chosen, and why; empty when one was.")
    unit: str
    suppression_threshold: int | None
    protection: dict[str, Any] = Field(description="Whether and how the figures were protected.")
    total: Figure
    family_facilitated: Figure
    family_facilitated_share: ShareFigure
    top_departments: list[TopDepartment]


class Code(Schema):
    code: str
    label_es: str
    label_en: str


class Codelist(Schema):
    name: str
    codes: list[Code]


class Place(Schema):
    ubigeo: str
    name: str
    level: Literal["department", "province", "district"]


class ReleaseTable(Schema):
    """A differentially private table of a release: one row per combination of its dimensions' values."""

    slug: str
    dimensions: list[str]
    epsilon: float = Field(description="The privacy budget this table spent.")
    error_bound_95: int = Field(description="A published count is within this many of the true one, 95% of the time.")
    rows: list[dict[str, str | int]] = Field(description="One object per row: a value per dimension, and `count`.")


class ReleaseTables(Schema):
    """tables.json of a release, as published."""

    year: int
    unit: str
    epsilon: float
    total: int
    total_error_bound_95: int
    tables: list[ReleaseTable]


class Release(Schema):
    """A published release: the latest release of its year that an administrator approved."""

    id: int
    year: int
    unit: str
    total: int = Field(description="The published total: noisy, within total_error_bound_95 of the truth.")
    total_error_bound_95: int
    synthetic_data: bool = Field(description="Made from synthetic cases.")
    tables: list[str] = Field(description="The slugs of its tables.")


class ReleaseDetail(Release):
    summary: dict[str, Any] = Field(
        description="release.json as published: parameters, privacy budget, accuracy and code version."
    )


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
