"""Documents to PDF with Typst (PyPI ``typst``: the compiler and its fonts in one wheel, no system
library, no network), from the templates in ``typst/`` and the document's data as JSON.

The embedded fonts only (system fonts are ignored), so a document renders the same on every
machine. Without PDF tags: they made a gmina's templates eight times bigger (a 40-precinct city:
6.5 MB with, 0.8 MB without) for forms that are printed; the text stays extractable, and the web
pages are where the same data is accessible. A protocol's QR code is drawn here (segno, a full
QR code at level M, never a Micro QR: common decoders such as zbar do not read those) and
carries the payload of ``domain.paper_code``, as a link when the deployment has a public
address.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Final

import msgspec
import segno
import typst
from pypdf import PdfReader, PdfWriter

from domain import paper_code

if TYPE_CHECKING:
    from schemas.paper import ProtocolPaper, ProtocolsPaper, ResultsPaper, SlipsPaper

TEMPLATES: Final = Path(__file__).parent / "typst"
CHUNK: Final = 40
"""Documents per Typst run: its memory grows faster than the pages (a city's 1,700 templates in
one run passed 19 GB); forty take under a second and about 200 MB."""
CHUNKS_PER_WORKER: Final = 4


class RenderError(RuntimeError):
    """Typst refused a document (a bug here, never the user's input): the message says where."""


def qr_svg(text: str) -> str:
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="svg", border=4, xmldecl=False)
    return out.getvalue().decode()


def with_qr(paper: ProtocolPaper, public_url: str) -> ProtocolPaper:
    """``paper`` with its QR code: the payload, or the link to it under ``public_url``."""
    if not paper.qr_text:
        return paper
    carried = paper_code.link(public_url, paper.qr_text)
    return msgspec.structs.replace(paper, qr_text=carried, qr_svg=qr_svg(carried))


def _compile(template: str, data: msgspec.Struct) -> bytes:
    try:
        pdf = typst.compile(str(TEMPLATES / f"{template}.typ"), root=str(TEMPLATES),
                            sys_inputs={"data": msgspec.json.encode(data).decode()},
                            ignore_system_fonts=True, pdf_tags=False)  # fmt: skip
    except Exception as error:  # typst raises its own error types, not exported stably
        raise RenderError(f"{template}.typ: {error}") from error
    if not isinstance(pdf, bytes):
        raise RenderError(f"{template}.typ: no PDF came out")
    return pdf


def protocols_pdf(paper: ProtocolsPaper, public_url: str = "") -> bytes:
    """One file. A big one is rendered ``CHUNK`` documents at a time, in worker processes (one
    per core, each fresh after ``CHUNKS_PER_WORKER`` chunks: Typst keeps what it laid out in
    memory while its process lives), and put together."""
    documents = tuple(with_qr(d, public_url) for d in paper.documents)
    parts = [msgspec.structs.replace(paper, documents=documents[i : i + CHUNK])
             for i in range(0, max(len(documents), 1), CHUNK)]  # fmt: skip
    if len(parts) == 1:
        return _compile("protocol", parts[0])
    workers = min(os.cpu_count() or 1, len(parts))
    batch = workers * CHUNKS_PER_WORKER
    pdfs: list[bytes] = []
    for start in range(0, len(parts), batch):  # fresh workers for each batch (not Python's
        # max_tasks_per_child: with it a 3.11 pool can hang feeding workers that are replaced)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            pdfs += pool.map(_protocol_part, parts[start : start + batch])
    return merged(pdfs)


def _protocol_part(part: ProtocolsPaper) -> bytes:
    return _compile("protocol", part)


def merged(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def results_pdf(paper: ResultsPaper) -> bytes:
    return _compile("results", paper)


def slips_pdf(paper: SlipsPaper) -> bytes:
    return _compile("slips", paper)
