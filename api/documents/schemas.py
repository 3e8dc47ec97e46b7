"""A case's documents: what a client gets back."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field


class DocumentPublic(BaseModel):
    ref: str = Field(examples=["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    title: str | None = None
    size: int
    content_type: str
    filename: str
    uploaded_by: str
    uploaded_at: AwareDatetime


class DocumentAttached(BaseModel):
    document: DocumentPublic
    case_id: str
    seq: int
    stored: bool  # false when the same bytes were already in the store


class DocumentCopy(BaseModel):
    """A document of another case, to attach to this one."""

    from_case_id: str = Field(max_length=64)
    document: str = Field(max_length=80, examples=[
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    title: str = Field(min_length=1, max_length=300)
