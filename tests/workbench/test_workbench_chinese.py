"""Chinese everywhere in the workbench (issue 20, SPEC 8.5): no internal id on screen, 记录决定 asks for a
county, and the native controls carry the packaged font.

Expected words are the vocabulary's, written out by hand from the notice's terms; the golden year's
vetoes and bonus documents are those its ``WORKED.md`` works through (sections 2 and 5).
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from landassess.assessment import run_assessment
from landassess.publish.webfont import FAMILY
from landassess.vocabulary import (
    BONUS,
    DECISION_TIER,
    DECISIONS,
    LEVEL_ZH,
    SEVERITY_ZH,
    STATUSES,
    TABLE_ZH,
    TIER_ZH,
    VETOES,
)
from landassess.workbench import robustness
from landassess.workbench.tables import browse_table, scorecard_html, vetoes_zh
from landassess.workbench.views import WORKBENCH_CSS, Workbench

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "2025"
DEMO_YEAR = 2024
TEMPLATE = ROOT / "lib" / "landassess" / "templates" / "voila_landassess" / "index.html.j2"

INTERNAL_IDS = frozenset({*VETOES, *STATUSES, *TIER_ZH, *DECISIONS, *DECISION_TIER, *BONUS, *LEVEL_ZH, *TABLE_ZH,
                          *SEVERITY_ZH, *robustness.LABEL_ZH, "not-eligible"})
"""Every id the vocabulary (and the robustness labels) defines: none may be read on screen."""
ID_PATTERN = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(sorted(map(re.escape, INTERNAL_IDS), key=len, reverse=True))
                        + r")(?![A-Za-z0-9_-])")
INPUT_FILE = re.compile(r"[A-Za-z_]+\.(?:csv|xlsx)")
"""The ledger cites an input file by its name on disk (``declarations.csv 第3行``): a file name, not an id."""


class _Text(HTMLParser):
    """The text a reader sees: character data and tooltips (``title``)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.parts += [value for name, value in attrs if name == "title" and value]


def shown_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return INPUT_FILE.sub(" ", "\n".join(parser.parts))


def ids_in(text: str) -> set[str]:
    return set(ID_PATTERN.findall(text))


# ----------------------------------------------------------------------------- the vocabulary's words


@pytest.mark.parametrize(("ids", "words"), [
    pytest.param("special_action_incomplete;cultivated_ratio", "专项行动未完成、违法占用耕地比例", id="two-in-order"),
    pytest.param("interview_or_accountability", "约谈问责", id="one"),
    pytest.param("media_exposure;key_management_county", "媒体披露、重点管理县", id="events"),
    pytest.param("", "", id="none"),
])
def test_veto_ids_become_the_vocabulary_words(ids, words):
    assert vetoes_zh(ids) == words


def test_golden_year_browse_table_names_vetoes_in_chinese():
    # WORKED.md 2.3: 沛县 cultivated_area, 邳州 cultivated_ratio, 常熟 media_exposure;key_management_county.
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    vetoes = browse_table(a).set_index("县级代码")["否决"]
    assert vetoes["320322"] == "违法占用耕地面积"
    assert vetoes["320382"] == "违法占用耕地比例"
    assert vetoes["320581"] == "媒体披露、重点管理县"
    assert vetoes["320583"] == ""  # 昆山's 媒体披露 is not verified (WORKED.md 2.2 line 6): no veto


def test_golden_year_scorecard_names_veto_types_levels_and_bonus_kinds():
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    changshu = shown_text(scorecard_html(a, "320581"))  # veto_events.csv lines 3–4: 重点管理县 and 媒体披露, 省
    assert "重点管理县" in changshu and "媒体披露" in changshu and "省级" in changshu
    haian = shown_text(scorecard_html(a, "320685"))  # bonus_events.csv line 3: 典型经验, 国家级
    assert "典型经验" in haian and "国家级" in haian
    assert ids_in(changshu) == set() and ids_in(haian) == set()


# ----------------------------------------------------------------------------- no id anywhere on screen


@pytest.fixture(scope="module")
def demo_bench():
    return Workbench(ROOT / "demo", DEMO_YEAR)


def test_the_id_check_finds_ids():
    # The check itself: an id in a cell, beside Chinese, or in a tooltip is found; a file name is not.
    assert ids_in(shown_text("<td>否决interview_or_accountability</td>")) == {"interview_or_accountability"}
    assert ids_in(shown_text('<span title="disqualified">取消资格</span>')) == {"disqualified"}
    assert ids_in(shown_text("<li>申报（declarations.csv 第3行）</li>")) == set()


def test_no_internal_id_in_the_browse_table_or_any_scorecard(demo_bench):
    a = demo_bench.assessment
    history = demo_bench.history()
    assert len(history) == 3  # demo 2022, 2023 and 2024: the scorecards show the history table
    table = browse_table(a)
    cells = "\n".join([*map(str, table.columns), *table.astype(str).to_numpy().ravel()])
    assert ids_in(cells) == set()
    found = {}
    for code in a.counties.loc[a.counties["is_declared"], "code"]:
        ids = ids_in(shown_text(scorecard_html(a, code, history)))
        if ids:
            found[code] = ids
    assert found == {}


def test_no_internal_id_in_the_workbench_views(demo_bench):
    bench = demo_bench
    bench.status.value = "全部"
    bench.robust_runs.value = 10
    bench.robust_button.click()
    bench.model_quota.value = bench.assessment.params.tiers.model.quota - 1  # a what-if with changes to show
    shown = [bench.table.value, bench.scorecard.value, bench.whatif_result.value, bench.whatif_changes.value,
             bench.robust_table.value]
    labels = [label for widget in (bench.year, bench.city, bench.status, bench.sort, bench.county, bench.decide_county,
                                   bench.decide_value) for label in widget._options_labels]  # what the drop-down shows
    bench.reset_whatif()
    assert {i for markup in shown for i in ids_in(shown_text(markup))} == set()
    assert {i for label in labels for i in ids_in(label)} == set()


# ----------------------------------------------------------------------------- 记录决定 without a county


def test_record_without_a_county_asks_for_one_and_records_nothing(tmp_path):
    shutil.copytree(GOLDEN / "input", tmp_path / "2025")
    bench = Workbench(tmp_path, 2025, str(GOLDEN / "params.yaml"))
    bench.decide_county.value = None
    bench.decide_value.value = "advanced"
    bench.decide_reason.value = "评审委员会表决"
    bench.decide_button.click()
    assert shown_text(bench.decide_message.value).strip() == "请先选择县（市、区）。"
    assert not (tmp_path / "2025" / "decisions.csv").exists()


# ----------------------------------------------------------------------------- the font of the native controls

CONTROLS = ("select", "option", "input", "textarea", "button", "input::placeholder", ".widget-dropdown select",
            ".jupyter-widgets select", ".jupyter-widgets input", ".jupyter-widgets button")


def _families(css: str) -> dict[str, str]:
    """Selector → the ``font-family`` its rules give (the last one wins)."""
    css = "\n".join(re.findall(r"<style>(.*?)</style>", css, flags=re.S)) if "<style>" in css else css
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        family = re.search(r"font-family:\s*([^;}]+)", body)
        if family:
            for selector in selectors.split(","):
                out[" ".join(selector.split())] = family.group(1).strip()
    return out


@pytest.mark.parametrize("css", [
    pytest.param(WORKBENCH_CSS, id="workbench-style"),
    pytest.param(TEMPLATE.read_text(encoding="utf-8"), id="voila-template"),
])
def test_native_controls_use_the_packaged_font_first(css):
    families = _families(css)
    for selector in CONTROLS:
        assert families.get(selector, "").startswith(f'"{FAMILY}"'), selector
