"""What routes receive: the store and the ingest worker, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from crisol.api.ingest import Ingestor
from crisol.store import Database


def get_store(request: Request) -> Database:
    return request.app.state.store


def get_ingestor(request: Request) -> Ingestor:
    return request.app.state.ingestor


StoreDep = Annotated[Database, Depends(get_store)]
IngestorDep = Annotated[Ingestor, Depends(get_ingestor)]
