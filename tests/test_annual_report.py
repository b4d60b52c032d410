"""The annual report: report.html and report.xlsx from AnnualFigures, the `report` command,
and the page in a real headless browser (Debian chromium) as a screenshot and a PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from complaint_themes.annual import AnnualFigures, annual_figures
from complaint_themes.annual_report import write_annual_report
from complaint_themes.cli import cli
from complaint_themes.errors import OutputError

THEMES = ["service_standard", "failure_to_provide", "communication", "staff_attitude"]
SERVICES = ["Housing repairs", "Waste & <recycling>", "Children's social care"]
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "complaints.csv"


def figures() -> AnnualFigures:
    """Figures shaped as annual_figures makes them (table names and columns of the spec)."""
    summary = pd.DataFrame({
        "measure": ["complaints received", "stage 1 answered within 10 working days (rate)",
                    "uphold rate", "flagged clusters"],
        "this_year": [120, 0.81, 0.42, 2], "previous_year": [110, 0.75, 0.5, 1],
        "change": [10, 0.06, -0.08, 1]})
    quarters = pd.DataFrame({"theme": THEMES, "Q1": [5, 1, 3, 0], "Q2": [4, 2, 1, 1],
                             "Q3": [6, 0, 2, 1], "Q4": [2, 3, 0, 2]})
    quarters["total"] = quarters[["Q1", "Q2", "Q3", "Q4"]].sum(axis=1)
    quarters["previous_total"] = [10, 8, 5, 4]
    quarters["change"] = quarters["total"] - quarters["previous_total"]
    quarters["change_pct"] = quarters["change"] / quarters["previous_total"]
    by_service = pd.DataFrame({"service": SERVICES, **{t: [3, 1, 0] for t in THEMES}})
    by_service["total"] = [12, 4, 0]
    by_service["previous_total"] = [10, 5, 1]
    by_service["change"] = [2, -1, -1]
    timeliness_q = pd.DataFrame({"quarter": ["Q1", "Q1", "Q2", "Q3", "Q4"],
                                 "stage": ["Stage 1", "Stage 2", "Stage 1", "Stage 1", "Stage 1"],
                                 "answered": [10, 2, 8, 9, 7],
                                 "on_time_rate": [0.9, 0.5, 0.75, 1.0, 0.571]})
    outcomes = pd.DataFrame({"service": SERVICES, "upheld": [4, 1, 0], "partly_upheld": [1, 0, 1],
                             "not_upheld": [5, 3, 1], "other": [0, 1, 0],
                             "uphold_rate": [0.5, 0.25, 0.5]})
    clusters = pd.DataFrame({
        "cluster_id": ["C0001"], "residents": [4], "complaints": [5],
        "dominant_theme": ["failure_to_provide"], "services": ["Waste & <recycling>"],
        "key_phrases": ["=missed bin; brown bin"], "first_date": ["2025-04-03"],
        "last_date": ["2025-05-20"], "learning_status": ["action agreed"]})
    compliments = pd.DataFrame({"service": SERVICES, "Q1": [1, 0, 2], "Q2": [0, 1, 0],
                                "Q3": [2, 0, 0], "Q4": [0, 0, 1], "total": [3, 1, 3],
                                "previous_total": [2, 2, 0], "change": [1, -1, 3]})
    tables = {"summary": summary, "themes_by_quarter": quarters,
              "themes_by_service": by_service, "timeliness_by_quarter": timeliness_q,
              "outcomes_by_service": outcomes, "clusters": clusters,
              "compliments_by_service": compliments}
    return AnnualFigures("2025/26", "2024/25", tables,
                         ["directorate: not in this export (no 'directorate' column) <b>"])


def cases(n_per_year: int = 30, seed: int = 0) -> pd.DataFrame:
    """A small case log over 2024/25 and 2025/26 with ids, residents and texts."""
    rng = np.random.default_rng(seed)
    rows = []
    for year in (2024, 2025):
        for i in range(n_per_year):
            received = pd.Timestamp(year, 4, 1) + pd.Timedelta(days=int(rng.integers(0, 360)))
            kind = "Compliment" if i % 6 == 5 else "Complaint"
            answered = i % 7 != 0
            rows.append({
                "case_id": f"CASE-{year}-{i:03d}",
                "resident_id": f"RES{i % 17:04d}",
                "date_received": received.strftime("%d/%m/%Y"),
                "date_responded": (received + pd.Timedelta(days=int(rng.integers(1, 40)))
                                   ).strftime("%Y-%m-%d") if answered else "",
                "service": SERVICES[i % 3],
                "directorate": ["Place", "Place", "Children's services"][i % 3],
                "type": kind,
                "stage": "Stage 2" if i % 5 == 0 else "Stage 1",
                "outcome": ["Upheld", "Not upheld", "Partly upheld", "Withdrawn"][i % 4],
                "theme": THEMES[int(rng.integers(0, 4))],
                "text": f"Secret complaint text number {year}-{i} from Mrs Zebedee Quill",
            })
    return pd.DataFrame(rows)


def page_and_book(tmp_path: Path, fig: AnnualFigures) -> tuple[str, Path]:
    paths = write_annual_report(fig, tmp_path / "out" / "report.html")
    assert paths == [tmp_path / "out" / "report.html", tmp_path / "out" / "report.xlsx"]
    return paths[0].read_text("utf-8"), paths[1]


def test_page_has_every_section_in_order_and_nothing_else(tmp_path):
    fig = figures()
    page, _ = page_and_book(tmp_path, fig)
    ids = re.findall(r'<section id="([^"]+)"', page)
    assert ids == list(fig.tables)  # timeliness etc. are absent from tables: not rendered
    assert "top_themes_by_directorate" not in page
    assert page.count("<svg") == 4  # themes by quarter, timeliness, uphold rate, compliments
    assert 'class="heat"' in page or 'small heat' in page
    assert "About these figures" in page and "not in this export" in page


def test_page_is_self_contained_escaped_and_printable(tmp_path):
    page, _ = page_and_book(tmp_path, figures())
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(?!#)', page)  # no external resource, only #ids
    assert "http://" not in page.replace("http://www.w3.org/", "")
    assert "Waste &amp; &lt;recycling&gt;" in page
    assert "<recycling>" not in page and "column) <b>" not in page
    assert "&lt;b&gt;" in page
    assert "@media print" in page and "size:A4" in page and "break-before:page" in page
    # ids inside the inline SVGs are unique in the page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_values_are_formatted_for_readers(tmp_path):
    page, _ = page_and_book(tmp_path, figures())
    assert "<td>stage 1 answered within 10 working days (rate)</td>" \
           '<td class="n">81.0%</td><td class="n">75.0%</td><td class="n">+6.0 pts</td>' in page
    assert '<td class="n">120</td><td class="n">110</td><td class="n">+10</td>' in page
    assert "<td>failure to provide</td>" in page  # theme ids read as words
    assert '<td class="n">-25.0%</td>' in page  # staff attitude: 3 against 4 the year before


def test_workbook_has_a_sheet_per_table_equal_to_it(tmp_path):
    fig = figures()
    _, book_path = page_and_book(tmp_path, fig)
    sheets = pd.read_excel(book_path, sheet_name=None)
    assert list(sheets) == [*fig.tables, "notes"]
    for name, table in fig.tables.items():
        pd.testing.assert_frame_equal(sheets[name], table, check_dtype=False)
    assert sheets["notes"]["note"].tolist() == [
        "Financial year 2025/26 (1 April to 31 March), compared with 2024/25", *fig.notes]


def test_workbook_header_widths_and_percentages(tmp_path):
    _, book_path = page_and_book(tmp_path, figures())
    book = load_workbook(book_path)
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        assert ws.column_dimensions["A"].width >= 8
    quarters = book["themes_by_quarter"]
    assert quarters["I2"].number_format == "0.0%"  # change_pct
    assert quarters["B2"].number_format == "General"  # Q1 count
    summary = book["summary"]
    assert summary["B3"].number_format == "0.0%"  # the stage 1 rate row
    assert summary["B2"].number_format == "General"  # complaints received
    assert book["outcomes_by_service"]["F2"].number_format == "0.0%"
    assert book["clusters"].column_dimensions["F"].width >= len("=missed bin; brown bin")
    assert book["clusters"]["F2"].data_type == "s"  # a text starting with "=" is no formula


def test_empty_table_and_wrong_suffix(tmp_path):
    fig = figures()
    fig.tables["clusters"] = fig.tables["clusters"].iloc[:0]
    page, _ = page_and_book(tmp_path, fig)
    assert re.search(r'<section id="clusters">.*?None this year\.', page)
    with pytest.raises(OutputError, match=r"report\.pdf must end in \.html"):
        write_annual_report(fig, tmp_path / "report.pdf")


def test_report_of_cases_leaks_no_ids_names_or_text(tmp_path):
    data = cases()
    fig = annual_figures(data, "2025/26")
    page, book_path = page_and_book(tmp_path, fig)
    book = load_workbook(book_path)
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)
    for sheet_name in fig.tables:
        assert f'<section id="{sheet_name}"' in page
    for secret in ["RES00", "CASE-20", "Zebedee", "Secret complaint"]:
        assert secret not in page and secret not in cells
    received = fig.tables["summary"].set_index("measure").loc["complaints received"]
    assert received["this_year"] == (
        data["type"].eq("Complaint") & data["case_id"].str.startswith("CASE-2025")).sum()


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_report_command_with_a_theme_column(tmp_path, model_dir):
    path = tmp_path / "cases.csv"
    cases().to_csv(path, index=False)
    learning = tmp_path / "learning.csv"
    pd.DataFrame({"cluster_id": ["C0001", "C0999"], "learning_status": ["action agreed", "x"]}
                 ).to_csv(learning, index=False)
    out = tmp_path / "out" / "annual.html"
    result = run("report", path, "-o", out, "--model", model_dir, "--learning", learning)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-3].startswith("annual report 2025/26 against 2024/25: ")
    assert lines[-2:] == [f"wrote {out}", f"wrote {out.with_suffix('.xlsx')}"]
    assert "learning.csv lists" in result.output and "C0999" in result.output
    sheets = pd.read_excel(out.with_suffix(".xlsx"), sheet_name=None)
    assert "timeliness" in sheets and "compliments_by_service" in sheets
    page = out.read_text("utf-8")
    assert "Zebedee" not in page and "RES00" not in page


def test_report_command_names_a_missing_column(tmp_path, model_dir):
    path = tmp_path / "cases.csv"
    cases().to_csv(path, index=False)
    result = run("report", path, "-o", tmp_path / "r.html", "--model", model_dir,
                 "--outcome-column", "Result")
    assert result.exit_code == 1
    assert result.output.startswith("Error: column 'Result' not found in cases.csv; available: ")
    assert "--outcome-column" in result.output
    assert not (tmp_path / "r.html").exists()


def test_missing_column_is_found_before_classifying(tmp_path, model_dir, monkeypatch):
    import complaint_themes.batch

    def never(*args, **kwargs):
        raise AssertionError("classified before checking the columns")

    monkeypatch.setattr(complaint_themes.batch, "classify_table", never)
    path = tmp_path / "cases.csv"
    cases().drop(columns="theme").to_csv(path, index=False)
    result = run("report", path, "-o", tmp_path / "r.html", "--model", model_dir,
                 "--stage-column", "Stage")
    assert result.exit_code == 1
    assert result.output.startswith("Error: column 'Stage' not found in cases.csv; available: ")


def test_report_command_refuses_a_wrong_output_before_reading(tmp_path, model_dir):
    path = tmp_path / "cases.csv"
    cases().to_csv(path, index=False)
    result = run("report", path, "-o", tmp_path / "r.pdf", "--model", model_dir)
    assert result.exit_code == 1
    assert "must end in .html" in result.output


@pytest.mark.encoder
def test_report_command_classifies_without_a_theme_column(tmp_path, no_network):
    data = cases(n_per_year=6).drop(columns="theme")
    data["text"] = [
        "Our green bin has not been emptied for three weeks, nobody came at all.",
        "I have emailed four times and nobody has ever replied to me.",
        "The housing officer was rude, shouted at me and laughed at my situation.",
        "The plumber finally came after six weeks and the leak was back the next day.",
        "Nobody told us the road would be closed for a month.",
        "Thank you to the repairs team, they were brilliant.",
    ] * 2
    path = tmp_path / "cases.csv"
    data.to_csv(path, index=False)
    out = tmp_path / "report.html"
    result = run("report", path, "-o", out)
    assert result.exit_code == 0, result.output
    assert "note: cases.csv has no 'theme' column: classified 12 rows from 'text'" in result.output
    themes = pd.read_excel(out.with_suffix(".xlsx"), sheet_name="themes_by_quarter")
    assert set(themes["theme"]) <= set(THEMES) and themes["total"].sum() > 0


def browser_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("COMPLAINT_THEMES_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium) and "
                    "COMPLAINT_THEMES_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} is not installed")


def chromium(browser: Path, page: Path, *args: str) -> None:
    profile = page.parent / "chromium-profile"
    subprocess.run([str(browser), "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={profile}", *args, page.as_uri()],
                   check=True, timeout=120, capture_output=True)


def test_example_report_in_a_headless_browser(tmp_path, model_dir):
    from PIL import Image

    from complaint_themes.annual_run import build_annual_report

    browser = browser_or_skip()
    run_ = build_annual_report(EXAMPLES, tmp_path / "report.html", model_dir=model_dir)
    page = run_.paths[0]
    png, pdf = tmp_path / "shot.png", tmp_path / "report.pdf"
    chromium(browser, page, f"--screenshot={png}", "--window-size=1280,2000")
    chromium(browser, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    if os.environ.get("COMPLAINT_THEMES_SCREENSHOT"):
        shutil.copy(png, os.environ["COMPLAINT_THEMES_SCREENSHOT"])
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[:2] == (2000, 1280)
    colours = {tuple(c) for c in image.reshape(-1, 3)[::7]}
    assert len(colours) > 50  # text, tables and charts, not a blank or error page
    blue = np.all(np.abs(image.astype(int) - [0x1D, 0x70, 0xB8]) < 8, axis=2)
    assert blue.sum() > 2000  # the header rule and the service standard bars were drawn
    assert (image.mean(axis=2) < 250).mean() > 0.05
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) > 1


def test_missing_browser_fails_when_ci_requires_it(monkeypatch, tmp_path):
    monkeypatch.setattr(f"{__name__}.CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("COMPLAINT_THEMES_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="no-chromium is missing"):
        browser_or_skip()
    monkeypatch.delenv("COMPLAINT_THEMES_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="is not installed"):
        browser_or_skip()
