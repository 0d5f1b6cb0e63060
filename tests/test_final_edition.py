"""定稿 第N版 on the report a 处长 signs (SPEC 8.4, issue 19).

``finalize`` marks the report (its edition paragraph under the title, and with a PDF every page's
header) as 定稿 第N版 — and changes nothing else: every other output keeps its bytes, the HTML
differs only in that paragraph, and the manifest's hashes follow the two files. A re-issue
(``run --force --reason``) is the next edition, its reason in FINALIZED.json and the report.
The golden year (tests/golden/2025) is run once with ``--pdf``; the PDF is read with poppler.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from landassess.cli import EXIT_OK, EXIT_USAGE, main
from landassess.publish.report.edition import DRAFT_TEXT, edition_html, edition_of, final_text, stamp
from landassess.run import pdf as pdf_module

GOLDEN = Path(__file__).parent / "golden" / "2025"
RUN = ["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"),
       "--as-of", "2026-03-01"]
REASON = "异议成立：经省厅复核，海安市的查验结论更正"
MARKED = {"report.html", "report.pdf", "manifest.json", "FINALIZED.json"}


# --------------------------------------------------------------------------- the paragraph itself


def test_the_final_text_names_the_version_and_the_time():
    record = {"version": 2, "finalized_at": "2026-03-10T15:30:12+08:00", "reissued": True}
    assert final_text(record) == "定稿 第2版（2026-03-10 15:30 定稿，重新出具）"
    assert final_text({"version": 1, "finalized_at": "2026-03-01T09:05:00+08:00"}) == "定稿 第1版（2026-03-01 09:05 定稿）"


def test_the_draft_text_carries_every_glyph_the_final_text_needs():
    """The report's font is cut to its own text: marking it later must not need a glyph it lacks."""
    final = final_text({"version": 12, "finalized_at": "2026-03-10T15:30:12+08:00", "reissued": True})
    assert {c for c in final if not c.isascii()} <= set(DRAFT_TEXT) | set("（），")


def test_stamping_replaces_exactly_the_edition_paragraph():
    page = f"<h1>报告</h1>{edition_html()}<p>正文 &lt;b&gt;</p>"
    marked = stamp(page, "定稿 第1版")
    assert marked == f"<h1>报告</h1>{edition_html('定稿 第1版')}<p>正文 &lt;b&gt;</p>"
    assert edition_of(marked) == "定稿 第1版" and edition_of(page) == DRAFT_TEXT
    assert stamp(marked, "定稿 第2版") == stamp(page, "定稿 第2版")
    with pytest.raises(ValueError):
        stamp("<h1>较早的报告</h1>", "定稿 第1版")
    with pytest.raises(ValueError):
        stamp(page + str(edition_html()), "定稿 第1版")


def test_reason_goes_with_force_only(tmp_path, capsys):
    assert main([*RUN, "--out", str(tmp_path / "2025"), "--reason", "异议成立"]) == EXIT_USAGE
    assert "--force" in capsys.readouterr().err
    assert not (tmp_path / "2025").exists()
    with pytest.raises(SystemExit) as exited:  # argparse refuses it before anything runs
        main([*RUN, "--out", str(tmp_path / "2025"), "--force", "--reason", "原因" * 300])
    assert exited.value.code == EXIT_USAGE and "原因过长（600 个字符" in capsys.readouterr().err


# --------------------------------------------------------------------------- a year, end to end


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _require_browser() -> None:
    if pdf_module.find_browser() is None or shutil.which("pdftotext") is None:
        pytest.skip("no Chromium/Chrome/Edge or no pdftotext (Debian: apt-get install chromium poppler-utils)")


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    _require_browser()
    out = tmp_path_factory.mktemp("final") / "2025"
    assert main([*RUN, "--out", str(out), "--pdf"]) == EXIT_OK
    before = _files(out)
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    finalised = _files(out)
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    again = _files(out)
    assert main([*RUN, "--out", str(out), "--pdf", "--force", "--reason", REASON]) == EXIT_OK
    return out, before, finalised, again



@pytest.mark.browser
@pytest.mark.slow
def test_finalize_changes_the_edition_and_nothing_else(year):
    out, before, finalised, again = year
    assert edition_of(before["report.html"].decode("utf-8")) == DRAFT_TEXT
    assert set(finalised) == set(before) | {"FINALIZED.json"}
    assert {name for name in before if before[name] != finalised[name]} == {"report.html", "report.pdf", "manifest.json"}
    record = json.loads(finalised["FINALIZED.json"])
    assert record["version"] == 1
    html = finalised["report.html"].decode("utf-8")
    assert edition_of(html) == final_text(record) and final_text(record).startswith("定稿 第1版（")
    assert stamp(before["report.html"].decode("utf-8"), final_text(record)) == html  # only that paragraph
    assert again == finalised  # finalising twice changes nothing


@pytest.mark.browser
@pytest.mark.slow
def test_the_manifest_follows_the_marked_files(year):
    _, _, finalised, _ = year
    manifest = json.loads(finalised["manifest.json"])
    for name in ("report.html", "report.pdf", "results.csv"):
        assert manifest["outputs"][name] == hashlib.sha256(finalised[name]).hexdigest(), name
    assert manifest["edition"]["files"] == ["report.html", "report.pdf"]
    assert manifest["edition"]["version"] == 1


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_of_the_final_pdf_says_so(year, tmp_path):
    _, before, finalised, _ = year
    (tmp_path / "draft.pdf").write_bytes(before["report.pdf"])
    (tmp_path / "final.pdf").write_bytes(finalised["report.pdf"])
    draft, final = _pages(tmp_path / "draft.pdf"), _pages(tmp_path / "final.pdf")
    assert len(final) == len(draft) > 3
    assert not any("定稿第1版" in page for page in draft)
    assert all("定稿第1版" in page for page in final)  # the running header
    assert "定稿第1版（" in final[0]  # and the paragraph under the title


@pytest.mark.browser
@pytest.mark.slow
def test_a_reissue_is_the_next_edition_with_its_reason(year):
    out, _, finalised, _ = year
    record = json.loads((out / "FINALIZED.json").read_text(encoding="utf-8"))
    assert record["version"] == 2 and record["reissued"] is True and record["reason"] == REASON
    html = (out / "report.html").read_text(encoding="utf-8")
    assert edition_of(html) == final_text(record)
    assert f"重新出具的原因：{REASON}" in html
    assert (out / "versions" / "v1" / "report.html").read_bytes() == finalised["report.html"]
    assert all("定稿第2版" in page for page in _pages(out / "report.pdf"))
    manifest = _manifest(out)
    assert manifest["outputs"]["report.html"] == hashlib.sha256((out / "report.html").read_bytes()).hexdigest()
    assert not [p for p in out.iterdir() if "手工修改" in p.name]  # the marked files are not taken for hand edits


def test_a_pdf_that_cannot_be_printed_again_is_marked_by_the_next_finalize(tmp_path, monkeypatch, capsys):
    """No browser at finalize: the HTML is marked, the old PDF stays and the command says so; later it is completed."""
    out = tmp_path / "2025"
    assert main([*RUN, "--out", str(out)]) == EXIT_OK
    (out / "report.pdf").write_bytes(b"%PDF-1.4 old")  # stands for a PDF printed by the run
    from landassess.publish.provenance import record_outputs

    record_outputs(out, 2025)

    class NoBrowser:
        def print(self, folder, report=None, pdf=None):
            return "没有浏览器"

        def close(self):
            pass

    monkeypatch.setattr(pdf_module, "PdfPrinter", NoBrowser)
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    assert "report.pdf 未能重新打印" in capsys.readouterr().err
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 old"
    assert _manifest(out)["edition"]["files"] == ["report.html"]
    assert edition_of((out / "report.html").read_text(encoding="utf-8")).startswith("定稿 第1版")

    class Printer(NoBrowser):
        def print(self, folder, report=None, pdf=None):
            Path(pdf).write_bytes(b"%PDF-1.4 marked")

    monkeypatch.setattr(pdf_module, "PdfPrinter", Printer)
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.4 marked"
    assert _manifest(out)["edition"]["files"] == ["report.html", "report.pdf"]
    assert _manifest(out)["outputs"]["report.pdf"] == hashlib.sha256(b"%PDF-1.4 marked").hexdigest()
