from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hireloop.consent.models import ConsentMethod
from hireloop.consent.notice import NOTICE_WORDING


class ConsentCreate(BaseModel):
    """Accept the candidate notice: name the version read (the current one)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"notice_version": f"{NOTICE_WORDING}.3f2a9c1e"}]}
    )

    notice_version: str = Field(min_length=1, max_length=40)


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    notice_version: str
    accepted_at: datetime
    method: ConsentMethod = Field(description="where it was accepted: page, api or start")


class ConsentList(BaseModel):
    items: list[ConsentRead] = Field(description="every acceptance, newest first")
    current_notice_version: str
    accepted_current: bool = Field(description="the current notice is accepted")
    consent_required: bool = Field(description="interviews need the current notice accepted")


class NoticeSectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    heading: str
    text: str


class NoticeRead(BaseModel):
    """The candidate notice as it stands on this server."""

    model_config = ConfigDict(from_attributes=True)

    version: str
    url: str = Field(description="the notice as a web page")
    title: str
    sections: list[NoticeSectionRead]
    text: str = Field(description="the whole notice as plain text")
    consent_required: bool
