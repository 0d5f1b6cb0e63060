"""``landassess.publish.figures``: the report's charts, Chinese labels drawn with the packaged font.

Expected values come from the golden year's hand working (``tests/golden/2025/WORKED.md``
sections 3, 6, 7 and 9) and the colour rules of SPEC 7.3; none is copied from the program's output.
"""

import datetime as dt
import io
import re
import warnings
from collections import namedtuple
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

from landassess.assessment import run_assessment
from landassess.publish import figures

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
HAN = re.compile(r"[\u4e00-\u9fff]")

CHARTS = [
    pytest.param(figures.ranked_totals, id="ranked_totals"),
    pytest.param(figures.dimension_profiles, id="dimension_profiles"),
    pytest.param(figures.quota_use, id="quota_use"),
    pytest.param(figures.evaluator_spread, id="evaluator_spread"),
]

RANKED = [  # WORKED.md sections 6, 7 and 9: position order, rank, label, colour of the current status
    ("1. 昆山市（苏州市）", 92.50, figures.MODEL_COLOR),
    ("2. 海安市（南通市） 取消资格", 92.50, figures.DISQUALIFIED_COLOR),  # failed its on-site check
    ("3. 江阴市（无锡市）", 88.13, figures.MODEL_COLOR),
    ("4. 兴化市（泰州市）", 88.13, figures.ADVANCED_COLOR),
    ("5. 丰县（徐州市）", 86.40, figures.ADVANCED_COLOR),
    ("6. 江宁区（南京市）", 84.33, figures.PENDING_COLOR),  # the tie across the 先进 line
    ("6. 溧水区（南京市）", 84.33, figures.PENDING_COLOR),
    ("8. 泗洪县（宿迁市）", 84.00, figures.OTHER_COLOR),
    ("9. 沭阳县（宿迁市）", 75.50, figures.OTHER_COLOR),
]

QUOTAS = {  # WORKED.md section 3: city → (quota, admitted, over quota)
    "南京市": (4, 2, 0), "无锡市": (2, 1, 0), "徐州市": (4, 2, 0), "常州市": (2, 1, 0), "苏州市": (3, 2, 0),
    "南通市": (2, 2, 0), "盐城市": (3, 1, 0), "泰州市": (2, 1, 0), "宿迁市": (2, 2, 1), "镇江市": (2, 0, 0),
}


@pytest.fixture(scope="module")
def golden():
    return run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of=dt.date(2026, 3, 1))


@pytest.fixture(scope="module", autouse=True)
def cjk_font():
    with matplotlib.rc_context():
        figures.setup_fonts()
        yield


def titles(fig: Figure) -> str:
    return "".join(ax.get_title() for ax in fig.axes)


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_is_a_figure_with_a_chinese_title(golden, chart):
    fig = chart(golden)
    assert isinstance(fig, Figure)
    assert HAN.search(titles(fig)), titles(fig)


@pytest.mark.parametrize("chart", CHARTS)
def test_drawing_with_the_packaged_font_misses_no_glyph(golden, chart):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart(golden).savefig(io.BytesIO(), format="png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_the_glyph_check_would_see_a_font_without_han(golden):
    """The check above is not vacuous: DejaVu Sans alone has no Han glyphs and says so."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.quota_use(golden).savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_ranked_totals_has_one_bar_per_ranked_county_in_rank_order(golden):
    fig = figures.ranked_totals(golden)
    ax = fig.axes[0]
    bars = ax.containers[0]
    assert len(bars) == len(RANKED) == 9
    ticks = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    assert [label for _, label in ticks] == [label for label, _, _ in RANKED]
    assert ax.yaxis_inverted()  # first place at the top
    widths = [round(bar.get_width(), 2) for bar in sorted(bars, key=lambda b: b.get_y())]
    assert widths == [total for _, total, _ in RANKED]
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in sorted(bars, key=lambda b: b.get_y())]
    assert colors == [color for _, _, color in RANKED]


def test_ranked_totals_marks_the_title_lines(golden):
    ax = figures.ranked_totals(golden).axes[0]
    texts = [t.get_text().strip() for t in ax.texts]
    # 3 模范 and 3 先进 places (params.yaml): lines below the 3rd and the 6th place.
    assert "模范线（第3名）" in texts and "先进线（第6名）" in texts
    lines = sorted(line.get_ydata()[0] for line in ax.get_lines())
    assert lines == [2.5, 5.5]
    assert "红：取消资格" in ax.get_title()  # 海安 is shown disqualified, so the legend says what red is


def test_dimension_profiles_draws_each_titled_county_over_the_five_dimensions(golden):
    ax = figures.dimension_profiles(golden).axes[0]
    # 昆山 and 江阴 (模范), 兴化 and 丰县 (先进); 海安 lost its title and is not drawn as holding one.
    assert len(ax.get_lines()) == 4
    assert len(ax.get_xticks()) == 5
    colors = sorted(matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines())
    assert colors == sorted([figures.MODEL_COLOR] * 2 + [figures.ADVANCED_COLOR] * 2)
    assert all(0 <= y <= 100 for line in ax.get_lines() for y in line.get_ydata())


def test_quota_use_shows_each_citys_quota_admitted_and_over_quota(golden):
    ax = figures.quota_use(golden).axes[0]
    cities = [t.get_text() for t in ax.get_xticklabels()]
    assert len(cities) == 13 and all(city.endswith("市") for city in cities)  # Jiangsu's 13 设区市
    quota, admitted, over = (dict(zip(cities, (bar.get_height() for bar in c), strict=True))
                             for c in ax.containers)
    for city, (q, a, o) in QUOTAS.items():
        assert (quota[city], admitted[city], over[city]) == (q, a, o), city


def test_evaluator_spread_has_one_box_per_criterion(golden):
    ax = figures.evaluator_spread(golden).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"C{n:02d}" for n in range(1, 14)]
    assert ax.get_xlabel() == "指标（共 13 项）"


Row = namedtuple("Row", "rank name city status")


@pytest.mark.parametrize("status, color", [
    pytest.param("model", figures.MODEL_COLOR, id="model"),
    pytest.param("advanced", figures.ADVANCED_COLOR, id="advanced"),
    pytest.param("tie_pending", figures.PENDING_COLOR, id="tie-pending"),
    pytest.param("disqualified", figures.DISQUALIFIED_COLOR, id="disqualified-never-green"),
    pytest.param("not_selected", figures.OTHER_COLOR, id="not-selected"),
    pytest.param("incomplete", figures.OTHER_COLOR, id="incomplete"),
])
def test_status_color(status, color):
    assert figures.status_color(status) == color


@pytest.mark.parametrize("row, label", [
    pytest.param(Row(1, "昆山市", "苏州市", "model"), "1. 昆山市（苏州市）", id="titled"),
    pytest.param(Row(2, "海安市", "南通市", "disqualified"), "2. 海安市（南通市） 取消资格", id="disqualified"),
    pytest.param(Row(7, "溧阳市", "常州市", "incomplete"), "7. 溧阳市（常州市） 材料不全", id="incomplete"),
])
def test_bar_label(row, label):
    assert figures.bar_label(row) == label


def test_show_displays_a_png_described_by_its_title(golden, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects: shown.extend(objects))
    fig = figures.quota_use(golden)
    figures.show(fig)
    assert len(shown) == 1
    image = shown[0]
    assert image.format == "png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.metadata == {"alt": fig.axes[0].get_title()}
