"""Documents to PDF with Typst (PyPI ``typst``: the compiler and its fonts in one wheel, no system
library, no network), from the templates in ``typst/`` and the document's data as JSON.

The embedded fonts only (system fonts are ignored), so a document renders the same on every
machine. A protocol's QR code is drawn here (segno, a full QR code at level M, never a Micro
QR: common decoders such as zbar do not read those) and carries the payload of
``domain.paper_code``, as a link when the deployment has a public address.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Final

import msgspec
import segno
import typst

from domain import paper_code

if TYPE_CHECKING:
    from schemas.paper import ProtocolPaper, ProtocolsPaper, ResultsPaper, SlipsPaper

TEMPLATES: Final = Path(__file__).parent / "typst"


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
                            ignore_system_fonts=True)  # fmt: skip
    except Exception as error:  # typst raises its own error types, not exported stably
        raise RenderError(f"{template}.typ: {error}") from error
    if not isinstance(pdf, bytes):
        raise RenderError(f"{template}.typ: no PDF came out")
    return pdf


def protocols_pdf(paper: ProtocolsPaper, public_url: str = "") -> bytes:
    documents = tuple(with_qr(d, public_url) for d in paper.documents)
    return _compile("protocol", msgspec.structs.replace(paper, documents=documents))


def results_pdf(paper: ResultsPaper) -> bytes:
    return _compile("results", paper)


def slips_pdf(paper: SlipsPaper) -> bytes:
    return _compile("slips", paper)
