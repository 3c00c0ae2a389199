"""Paper from the CLI on a running Tally: every document kind rendered from the example election
and read back as a person and a scanner would (``pdftotext``, ``pdftoppm`` + ``zbarimg``): the
templates hold the precinct's address and every candidate in ballot order, an entered protocol
carries its control code on every page and a QR code that decodes to exactly the stored
numbers, a corrected version prints as superseded, the results drafts say the log position,
and printed slips hold the only working activation codes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from domain import paper_code
from domain.controlcode import canonical_numbers
from schemas.accounts import CreateAccount, Role
from schemas.validation import ProtocolKey
from services.tools.client import TallyClient
from tests.accounts import PASSWORD, team
from tests.gateway import running_serve
from tests.integration.test_views_live import GMINA, mayor_protocol, standing_precincts
from tests.natsserver import session_url
from tests.processes import TALLY, ServeProcess, cli_env

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.gateway import RunningServe

pytestmark = pytest.mark.slow
ELECTION = "przyklad-2026"
MAYOR = f"mayor:{GMINA}"
PUBLIC_URL = "https://wybory.example.test"
TOOLS = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}


def needs_tools() -> None:
    """The PDFs are read back with Debian's poppler-utils and zbar-tools (``.ci/run`` installs
    them): missing, these tests fail under CI and are skipped elsewhere, naming the package."""
    for tool, package in TOOLS.items():
        if shutil.which(tool) is None:
            message = f"reading PDFs back needs {tool}: apt-get install {package}"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def pdf_pages(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]


def qr_codes(pdf: Path, out: Path) -> list[str]:
    """Every QR code on every page, as zbar decodes the page rasterised at 150 dpi."""
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(prefix)], check=True)
    found = []
    for page in sorted(out.glob(f"{pdf.stem}-*.png")):
        done = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True,
                              text=True, check=False)  # fmt: skip
        found += [line for line in done.stdout.splitlines() if line]
    return found


class Night:
    def __init__(self, serve: RunningServe, data_dir: Path, out: Path) -> None:
        self.serve = serve
        self.data_dir = data_dir
        self.out = out
        self.env = cli_env(NATS_URL=session_url(), NATS_STREAM=serve.stream,
                           TALLY_PUBLIC_URL=PUBLIC_URL)  # fmt: skip

    def print(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*TALLY, "print", *args, "--data-dir", str(self.data_dir)]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Night, TallyClient]]:
    """A running Tally with the example gmina: precincts 2 and 3's mayor protocols entered,
    precinct 2's corrected once."""
    needs_tools()
    data_dir = tmp_path_factory.mktemp("paper")
    with running_serve(data_dir) as serve:
        # Shared by the module's tests: stopped when the module ends, not after its first test.
        ServeProcess.started.remove(serve.process)
        crew = team(serve.url, serve.admin_code, precincts=(2, 3))
        estimates = standing_precincts()
        try:
            for number in (2, 3):
                key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=number, contest=MAYOR)
                assert "accepted" == crew.operator.client.submit(
                    key, mayor_protocol(estimates[number], number)).status  # fmt: skip
            first = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=2, contest=MAYOR)
            fixed = crew.operator.client.correct(first, mayor_protocol(estimates[2], 3), "typo")
            assert "accepted" == fixed.status, fixed
            yield Night(serve, data_dir, tmp_path_factory.mktemp("pdfs")), crew.coordinator.client
        finally:
            crew.close()


def test_a_precincts_templates_hold_its_address_and_candidates_in_ballot_order(
    night: tuple[Night, TallyClient],
) -> None:
    paper, _ = night
    out = paper.out / "template-2.pdf"
    done = paper.print("template", "--election", ELECTION, "--gmina", GMINA, "--precinct", "2",
                       "--contest", MAYOR, "--out", str(out))  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    said = pdf_text(out)
    assert "Świetlica wiejska, ul. Kościelna 12, Zielonka Górna" in said
    names = ["Stanisław GÓRSKI", "Katarzyna WIŚNIEWSKA", "Joanna SZYMAŃSKA"]
    assert [said.index(n) for n in names] == sorted(said.index(n) for n in names)
    assert "PROTOKÓŁ GŁOSOWANIA W OBWODZIE" in said
    assert "PONOWNE" not in said
    assert "Szablon — bez kodu kontrolnego" in said


def test_a_gminas_templates_come_in_one_file_and_a_runoff_says_ponowne(
    night: tuple[Night, TallyClient],
) -> None:
    paper, _ = night
    out = paper.out / "gmina.pdf"
    done = paper.print("template", "--election", ELECTION, "--gmina", GMINA, "--out", str(out))
    assert 0 == done.returncode, done.stdout + done.stderr
    said = pdf_text(out)
    keys = set(re.findall(rf"{ELECTION}/{GMINA}/(\d+)/((?:mayor|council):{GMINA})/(\d+)/1", said))
    assert {int(p) for p, _, _ in keys} == set(range(1, 16))
    assert {c for _, c, _ in keys} == {MAYOR, f"council:{GMINA}"}
    district = paper.out / "district-3.pdf"
    done = paper.print("template", "--election", ELECTION, "--gmina", GMINA, "--contest",
                       f"council:{GMINA}", "--district", "3", "--out", str(district))  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    found = set(re.findall(rf"{ELECTION}/{GMINA}/\d+/[a-z]+:{GMINA}/\d+/1", pdf_text(district)))
    assert found == {f"{ELECTION}/{GMINA}/3/council:{GMINA}/3/1"}, found  # district 3's only
    council = ("--contest", f"council:{GMINA}")
    nowhere = paper.print("template", "--election", ELECTION, "--gmina", GMINA, *council,
                          "--district", "99", "--out", str(district))  # fmt: skip
    assert (1, True) == (nowhere.returncode, "no precinct of the gmina votes" in nowhere.stdout)
    runoff = paper.out / "runoff.pdf"
    done = paper.print("template", "--election", ELECTION, "--gmina", GMINA, "--precinct", "2",
                       "--contest", MAYOR, "--round", "2", "--out", str(runoff))  # fmt: skip
    if done.returncode == 0:  # the runoff's candidates exist once round 1 is established
        assert "PONOWNE" in pdf_text(runoff)
    else:
        assert "refused" in done.stdout


def test_an_entered_protocol_carries_its_code_on_every_page_and_a_qr_code_of_its_numbers(
    night: tuple[Night, TallyClient],
) -> None:
    paper, coordinator = night
    key = ProtocolKey(election=ELECTION, teryt=GMINA, precinct=2, contest=MAYOR)
    view = coordinator.protocol(key)
    assert view is not None
    current = view.versions[-1]
    out = paper.out / "protocol-2.pdf"
    done = paper.print("protocol", paper_code.key_text(key), "--out", str(out))
    assert 0 == done.returncode, done.stdout + done.stderr
    pages = pdf_pages(out)
    assert len(pages) >= 2
    assert all(current.control_code in page for page in pages)
    (carried,) = qr_codes(out, paper.out)
    assert carried.startswith(f"{PUBLIC_URL}/scan?c=TALLY1|")
    scanned = paper_code.read(carried)
    assert scanned.key == key
    assert scanned.control_code == current.control_code
    assert list(scanned.numbers) == [v for _, v in canonical_numbers(current.content)]
    assert "WADLIWY" not in pdf_text(out)

    old = paper.out / "protocol-2-v1.pdf"
    done = paper.print("protocol", paper_code.key_text(key), "--version", "1", "--out", str(old))
    assert 0 == done.returncode, done.stdout + done.stderr
    old_pages = pdf_pages(old)
    assert all("WADLIWY — PODLEGAŁ SPROSTOWANIU" in page for page in old_pages)
    (carried_old,) = qr_codes(old, paper.out)
    first = paper_code.read(carried_old)
    assert first.control_code == view.versions[0].control_code != current.control_code
    assert first.numbers != scanned.numbers  # a changed number: another code, other numbers


def test_unknown_things_are_refused_by_name(night: tuple[Night, TallyClient]) -> None:
    paper, _ = night
    out = paper.out / "never.pdf"
    unknown = paper.print("template", "--election", ELECTION, "--gmina", GMINA, "--precinct",
                          "99", "--out", str(out))  # fmt: skip
    assert 1 == unknown.returncode
    assert "302199-99" in unknown.stdout
    nothing = paper.print("protocol", f"{ELECTION}/{GMINA}/4/{MAYOR}/0/1", "--out", str(out))
    assert 1 == nothing.returncode
    assert "nothing has been entered" in nothing.stdout
    version = paper.print("protocol", f"{ELECTION}/{GMINA}/2/{MAYOR}/0/1", "--version", "7",
                          "--out", str(out))  # fmt: skip
    assert (1, True) == (version.returncode, "versions 1 to 2, not 7" in version.stdout)
    bad_key = paper.print("protocol", "not-a-key", "--out", str(out))
    assert 1 == bad_key.returncode
    assert not out.exists()


def test_the_results_drafts_say_the_log_position_and_the_decision(
    night: tuple[Night, TallyClient],
) -> None:
    paper, coordinator = night
    out = paper.out / "mayor.pdf"
    done = paper.print("results", "--election", ELECTION, "--gmina", GMINA, "--contest", MAYOR,
                       "--out", str(out))  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    said = pdf_text(out)
    assert "PROTOKÓŁ WYNIKÓW GŁOSOWANIA NA WÓJTA GMINY ZIELONKA" in said
    position = int(re.search(r"pozycja (\d+)", said).group(1))  # type: ignore[union-attr]
    assert position > 0
    assert "WYNIK NIEUSTALONY" in said
    assert "ponowne głosowanie" in said or "Wybrany" in said
    council = paper.out / "council.pdf"
    done = paper.print("results", "--election", ELECTION, "--gmina", GMINA, "--contest",
                       f"council:{GMINA}", "--out", str(council))  # fmt: skip
    assert 0 == done.returncode, done.stdout + done.stderr
    said = pdf_text(council)
    assert "ZESTAWIENIE WYNIKÓW GŁOSOWANIA W OKRĘGU WYBORCZYM NR 1" in said
    assert "PROTOKÓŁ WYNIKÓW WYBORÓW DO RADY GMINY ZIELONKA" in said
    del coordinator


def test_printed_slips_hold_the_only_working_codes(night: tuple[Night, TallyClient]) -> None:
    paper, coordinator = night
    first = coordinator.create_account(CreateAccount(
        login="nowy.operator", role=Role.OPERATOR, display_name="Nowy Operator", gmina=GMINA,
        precincts=(5,)))  # fmt: skip
    assert first.slip is not None, first
    out = paper.out / "slips.pdf"
    done = paper.print("slips", "--gmina", GMINA, "--out", str(out))
    assert 0 == done.returncode, done.stdout + done.stderr
    pages = pdf_pages(out)
    (page,) = [p for p in pages if "nowy.operator" in p]
    printed = re.search(r"\b([A-Z0-9]{4}(?:-[A-Z0-9]{4})+)\b", page)
    assert printed is not None, page
    assert f"{PUBLIC_URL}/activate" in page
    client = TallyClient(paper.serve.url)
    try:
        stale = client.activate("nowy.operator", first.slip.activation_code, PASSWORD)
        assert stale.status != "ok"  # printing issued a fresh code: the earlier one is dead
        fresh = client.activate("nowy.operator", printed.group(1), PASSWORD)
        assert "ok" == fresh.status, fresh
    finally:
        client.close()
    again = paper.print("slips", "--gmina", GMINA, "--out", str(out))
    assert 1 == again.returncode
    assert "no operator of gmina 302199 is waiting" in again.stdout
