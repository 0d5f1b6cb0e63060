"""The native controls draw Chinese with the packaged font (issue 20), in headless Chromium.

This machine may have no Chinese system font: a drop-down, an input's placeholder, a text area or a
button left to the browser's default font would show boxes. The page holds the workbench's style
(the embedded font and ``WORKBENCH_CSS``) and ipywidgets-like controls; each control's computed
font must start with the packaged family, and that family must hold 县.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import launched_chromium, require_browser
from landassess.assessment import run_assessment
from landassess.publish.webfont import FAMILY
from landassess.workbench.views import workbench_style

pytestmark = [pytest.mark.browser]

sync_api = require_browser()
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "2025"


def test_controls_use_the_packaged_font(tmp_path):
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    page_file = tmp_path / "controls.html"
    page_file.write_text(f"""<!doctype html><html><head><meta charset="utf-8">{workbench_style(a)}</head><body>
<div class="jupyter-widgets widget-dropdown"><select id="dropdown"><option>南京市</option></select></div>
<textarea id="textarea" placeholder="评审委员会的理由（必填）"></textarea><input id="input" placeholder="年度">
<button id="button" class="jupyter-button">记录决定</button><select id="bare"><option>县</option></select>
</body></html>""", encoding="utf-8")
    with launched_chromium(sync_api) as chromium:
        page = chromium.new_page()
        page.goto(page_file.as_uri())
        for element in ("dropdown", "textarea", "input", "button", "bare"):
            family = page.evaluate(f"getComputedStyle(document.getElementById('{element}')).fontFamily")
            assert family.startswith(f'"{FAMILY}"'), element
        placeholder = page.evaluate("getComputedStyle(document.getElementById('input'), '::placeholder').fontFamily")
        assert placeholder.startswith(f'"{FAMILY}"')
        assert page.evaluate(f"""async () => {{ await document.fonts.load('16px "{FAMILY}"', '县');
                                               return document.fonts.check('16px "{FAMILY}"', '县'); }}""")
