"""Charts render Simplified Chinese with the packaged Noto Sans SC, with no missing glyphs."""

from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"

import importlib.metadata
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font

from landassess.publish import fonts

mpl.use("Agg")

TITLE = "土地执法监管成效"
CITIES = ["南京市", "苏州市", "徐州市", "连云港市"]
LABELS = ["县（市、区）", "总分", "基础得分（满分100）", "设区市", "违法用地面积变化率（％）"]
TEXT = TITLE + "".join(CITIES) + "".join(LABELS) + "县区镇乡，。"


@pytest.fixture
def rc():
    """Keep each test's rcParams changes to that test."""
    with mpl.rc_context():
        yield


def _chinese_figure(*, bold_title: bool = False) -> Figure:
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(CITIES, [92.5, 88.0, -3.5, 75.25], label="总分")
    ax.set_ylim(-20, 100)
    ax.set_title(TITLE, fontweight="bold" if bold_title else "normal")
    ax.set_xlabel(LABELS[0])
    ax.set_ylabel(LABELS[1])
    ax.text(0, 50, "违法用地面积变化率（％）")
    ax.legend(title="设区市")
    fig.suptitle("江苏省土地执法模范县评选")
    fig.tight_layout()
    return fig


def _texts(fig: Figure):
    return [t for t in fig.findobj(mpl.text.Text) if t.get_text().strip()]


def test_packaged_font_file_is_static_noto_sans_sc_with_licence():
    path = fonts.cjk_font_path()
    assert path.is_file()
    assert path.name == "NotoSansSC-Regular.otf"
    assert path.stat().st_size < 20 * 1024 * 1024

    ft = FT2Font(str(path))
    assert ft.family_name == fonts.FONT_FAMILY
    missing = sorted({ch for ch in TEXT if ft.get_char_index(ord(ch)) == 0})
    assert missing == []

    otf = TTFont(str(path), lazy=True)
    assert "fvar" not in otf, "a variable-weight font renders hairline-thin in matplotlib"
    assert otf["OS/2"].usWeightClass == 400
    assert "Open Font License" in otf["name"].getDebugName(13)

    dist = importlib.metadata.distribution("pylopdf-fonts-zh-cn")
    licences = [f for f in dist.files or [] if f.name == "LICENSE"]
    assert licences, "the OFL text must ship with the font"
    assert "SIL OPEN FONT LICENSE Version 1.1" in licences[0].read_text()


def test_dejavu_alone_has_no_chinese_so_the_font_is_needed():
    dejavu = FT2Font(font_manager.findfont(FontProperties(family=["DejaVu Sans"]), fallback_to_default=False))
    assert dejavu.get_char_index(ord("县")) == 0
    assert FT2Font(str(fonts.cjk_font_path())).get_char_index(ord("县")) != 0


def test_register_sets_rcparams_and_is_idempotent(rc):
    family = fonts.register_cjk_font()
    assert family == fonts.FONT_FAMILY
    assert fonts.register_cjk_font() == family

    sans = mpl.rcParams["font.sans-serif"]
    assert sans[0] == family
    assert sans.count(family) == 1
    assert mpl.rcParams["font.family"] == ["sans-serif"]
    assert mpl.rcParams["axes.unicode_minus"] is False

    fname = str(fonts.cjk_font_path())
    primary = [e for e in font_manager.fontManager.ttflist if e.fname == fname and e.name == family]
    assert len(primary) == 1


@pytest.mark.parametrize("bold_title", [False, True])
def test_chart_renders_chinese_from_packaged_font(rc, tmp_path: Path, bold_title: bool):
    fonts.register_cjk_font()
    fname = str(fonts.cjk_font_path())
    assert font_manager.findfont(FontProperties()) == fname  # the default text font
    assert font_manager.findfont(FontProperties(family=[fonts.FONT_FAMILY]), fallback_to_default=False) == fname

    out = tmp_path / "chart.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = _chinese_figure(bold_title=bold_title)
        fig.savefig(out)
    assert out.stat().st_size > 5_000

    texts = _texts(fig)
    shown = "".join(t.get_text() for t in texts)
    for needle in [TITLE, *CITIES, LABELS[0], LABELS[1], "-20"]:
        assert needle in shown
    for t in texts:
        if any(ord(ch) > 0x2E80 for ch in t.get_text()):
            assert font_manager.findfont(t.get_fontproperties()) == fname, t.get_text()


def test_without_the_font_the_same_chart_warns_about_missing_glyphs(rc, tmp_path: Path):
    """The check above can fail: with DejaVu Sans only, matplotlib warns for each Han glyph."""
    mpl.rcParams["font.family"] = ["DejaVu Sans"]
    with pytest.warns(UserWarning, match="missing from font"):
        fig = _chinese_figure()
        fig.savefig(tmp_path / "boxes.png")


def test_missing_package_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package_xyz")
    with pytest.raises(fonts.CJKFontNotFoundError, match="pylopdf-fonts-zh-cn"):
        fonts.cjk_font_path()
    monkeypatch.undo()
    monkeypatch.setattr(fonts, "FONT_FILE", "NoSuchFont.otf")
    with pytest.raises(FileNotFoundError, match="NoSuchFont.otf"):
        fonts.cjk_font_path()


def test_code_styled_text_falls_back_to_the_packaged_chinese_font():
    """Issue 18: the public seed 2024-公示-01 in a monospace line must not print as 2024-□□-01 (HTML and PDF)."""
    import re

    css = (Path(__file__).resolve().parent.parent / "lib" / "landassess" / "templates" / "landassess_report"
           / "report.css").read_text(encoding="utf-8")
    mono = re.search(r"--la-mono:\s*([^;]+);", css)
    assert mono and "var(--la-font)" in mono.group(1)
    assert mono.group(1).rstrip().endswith("monospace")  # the generic family last, after the Chinese fonts
    assert re.search(r"\.la-mono, \.landassess-report code, \.landassess-report pre \{ font-family: var\(--la-mono\); \}",
                     css)
    font = re.search(r"--la-font:\s*([^;]+);", css)
    assert font and font.group(1).lstrip().startswith('"Landassess Noto Sans SC"')  # the packaged, inlined font first
