"""Ingestion: POST articles as JSON, or upload a file, read by the same readers as the CLI.

``201`` when something new was stored, ``200`` when everything was already there (a partial
input lists its rejected records beside the stored ones), and a ``422`` problem naming the
input and every rejected record when nothing could be read. ``?background=true`` answers
``202`` at once with a job to poll.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from crisol.api.deps import IngestorDep
from crisol.api.ingest import RETRY_AFTER, Ingestor, IngestOutcome, Job, QueueFull
from crisol.api.models import ArticleCreate, IngestJobPublic, IngestPublic, ProblemPublic
from crisol.api.problems import Problem
from crisol.read import MAX_FEED_BYTES
from crisol.read.limits import human_size

router = APIRouter(tags=["ingest"])

BODY = "request body"  # how a posted body is named in ids, rejections and problems
MAX_UPLOAD_BYTES = MAX_FEED_BYTES
Background = Annotated[bool, Query(description="Answer 202 at once with a job to poll.")]

_BODY_SCHEMA = {
    "oneOf": [
        {"$ref": "#/components/schemas/ArticleCreate"},
        {"type": "array", "items": {"$ref": "#/components/schemas/ArticleCreate"}},
    ]
}
_ERRORS = {422: {"model": ProblemPublic, "description": "Nothing could be read (each record's reason listed)"},
           413: {"model": ProblemPublic}, 400: {"model": ProblemPublic}}  # fmt: skip


def outcome_public(outcome: IngestOutcome) -> IngestPublic:
    return IngestPublic(
        source=outcome.source,
        run_id=outcome.report.run_id,
        new=outcome.new,
        duplicate=len(outcome.articles) - outcome.new,
        articles=outcome.articles,
        rejected=[{"source": r.source, "location": r.location, "reason": r.reason} for r in outcome.rejected],
    )


def _answer(outcome: IngestOutcome) -> JSONResponse:
    if not outcome.articles:
        where = "; ".join(str(r) for r in outcome.rejected[:5]) or f"{outcome.source}: no article found"
        raise Problem(
            422,
            f"no article could be read: {where}",
            kind="input-rejected",
            input=outcome.source,
            errors=outcome_public(outcome).model_dump()["rejected"],
        )
    status = 201 if outcome.new else 200
    return JSONResponse(outcome_public(outcome).model_dump(), status_code=status)


def _check_size(data: bytes, source: str) -> None:
    if not data.strip():
        raise Problem(
            400, f"{source} is empty: send one article or a list of them", kind="empty-input", input=source
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise Problem(
            413,
            f"{source} is {human_size(len(data))}; the limit is {human_size(MAX_UPLOAD_BYTES)}",
            kind="input-too-large",
            input=source,
        )


def job_public(job: Job) -> IngestJobPublic:
    result = error = None
    if job.future.done():
        exc = job.future.exception()
        if exc is not None:
            error = f"{type(exc).__name__}: {exc}"
        else:
            result = outcome_public(job.future.result())
    return IngestJobPublic(
        id=job.id,
        source=job.source,
        status=job.status,
        submitted=job.submitted.isoformat(),
        result=result,
        error=error,
    )


_JSON_STARTS = {b'"': "a string", b"n": "null", b"t": "true", b"f": "false"}


def _check_json_shape(data: bytes, content_type: str) -> None:
    """A JSON body is an article object or a list of them: not null, a string, a number."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return
    head = data.lstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]
    if head in (b"{", b"["):
        return
    what = _JSON_STARTS.get(head) or ("a number" if head in b"-0123456789" else "no JSON value")
    raise Problem(
        422,
        f"the {BODY} must be an article (a JSON object) or a list of them; it is {what}",
        kind="invalid-body",
        input=BODY,
    )


async def _ingest(
    request: Request, ingestor: Ingestor, source: str, data: bytes, background: bool
) -> JSONResponse:
    _check_size(data, source)
    try:
        if background:
            job = ingestor.submit_job(source, data)
            where = request.app.url_path_for("get_job", id=job.id)
            return JSONResponse(job_public(job).model_dump(), status_code=202, headers={"Location": where})
        future = ingestor.submit(source, data)
    except QueueFull as e:
        raise Problem(
            503, str(e), kind="queue-full", input=source, headers={"Retry-After": str(RETRY_AFTER)}
        ) from None
    # The worker thread does the work; this request waits without holding the event loop.
    return _answer(await asyncio.wrap_future(future))


@router.post(
    "/articles",
    status_code=201,
    response_model=IngestPublic,
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _BODY_SCHEMA}}}
    },
)
async def post_articles(request: Request, ingestor: IngestorDep, background: Background = False):
    """Store one article or a list: ``{title, text, date, outlet, url, language}`` or news-please
    fields (``maintext``, ``date_publish``, ``source_domain``...). JSON Lines works too."""
    data = await request.body()
    _check_size(data, BODY)
    _check_json_shape(data, request.headers.get("content-type", ""))
    return await _ingest(request, ingestor, BODY, data, background)


@router.post("/articles/upload", status_code=201, response_model=IngestPublic, responses=_ERRORS)
async def upload_articles(
    request: Request,
    ingestor: IngestorDep,
    file: Annotated[
        UploadFile,
        File(description="Any input crisol reads: text, HTML, JSON(L), CSV, RSS/Atom, WARC, gzipped or not."),
    ],  # noqa: E501
    background: Background = False,
):
    """Store the articles of an uploaded file (its format sniffed from the bytes, never the name)."""
    source = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    return await _ingest(request, ingestor, source, data, background)


@router.get("/ingest/jobs/{id}", response_model=IngestJobPublic, responses={404: {"model": ProblemPublic}})
def get_job(ingestor: IngestorDep, id: str) -> IngestJobPublic:
    """A background ingest: queued, running, done (with its result) or failed."""
    job = ingestor.job(id)
    if job is None:
        raise Problem(404, f"no ingest job {id!r} in this process", kind="not-found", input="id")
    return job_public(job)


# Keep the model in the schema even though the body is read raw (the readers parse it).
__all__ = ["router", "ArticleCreate"]
