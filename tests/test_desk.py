"""The app runs the whole year (SPEC 8.5, issue 20), driven from Python as the page drives it.

A scratch department folder is laid out from the packaged demo (``run.app.copy_demo``: 2022 and
2023 complete, 2024 before collect, its returned workbooks in ``returned/2024/``). The test clicks
through the year: 生成模板 → 收集材料 (a folder chosen from a list) → 检查数据 → 运行评估 → 起草公文
(the 公示) → 定稿 → 运行评估 (refused: finalised) → 重新发布 (a reason asked for, then confirmed) →
起草公文 (the 通报), and checks each step wrote what the CLI writes, in the department folder only.
An empty department folder opens with 建立年度.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from landassess.run.app import DEMO_NOTE, check_data_root, copy_demo
from landassess.workbench.desk import Desk

pytestmark = pytest.mark.slow
STEP = 600  # seconds a step may take on a busy machine (a run is a child process)


def _click(desk: Desk, button) -> str:
    button.click()
    desk.actions.wait(STEP)
    return desk.actions.status.value + desk.actions.message.value


def _text(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def test_an_empty_department_folder_opens_with_build_a_year(tmp_path):
    desk = Desk(root=tmp_path)
    assert desk.year.value is None and desk.year.options == ()
    assert "建立年度" in _text(desk.browse_view().children[0].value)
    assert desk.whatif_view().children == ()
    assert "请先建立年度" in _click(desk, desk.actions.validate_button)
    desk.new_year.value = 2026
    desk.init_button.click()
    assert (tmp_path / "data" / "2026" / "省厅记录" / "recusals.csv").is_file()
    assert (tmp_path / "params" / "2026.yaml").is_file() and (tmp_path / "returned" / "2026").is_dir()
    assert desk.year.value == 2026 and "2026 年度的工作文件夹已就绪" in _text(desk.init_message.value)
    assert "收集材料后显示" in _text(desk.browse_view().children[0].value)  # nothing declared yet
    assert desk.actions.collect_from.options == (("returned/2026/", tmp_path / "returned" / "2026"),)


def test_a_notebook_without_a_department_folder_cannot_lay_out_a_year(tmp_path):
    desk = Desk(data_root=tmp_path / "data")
    assert desk.init_button.disabled  # never beside a notebook opened by hand


def test_a_data_root_of_outputs_is_refused(tmp_path):
    (tmp_path / "2024").mkdir(parents=True)
    (tmp_path / "2024" / "report.html").write_text("<p>报告</p>", encoding="utf-8")
    from landassess.errors import UsageError

    with pytest.raises(UsageError, match="评估结果文件夹"):
        check_data_root(tmp_path)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    root = copy_demo(tmp_path_factory.mktemp("dept") / "省厅")
    desk = Desk(root=root, year=2024, file_url="/landassess/files", note=DEMO_NOTE)
    return root, desk


def test_the_whole_year_through_the_buttons(year):
    root, desk = year
    actions = desk.actions
    out = root / "outputs" / "2024"
    assert desk.year.options == (2022, 2023, 2024) and desk.year.value == 2024
    assert "收集材料后显示" in _text(desk.browse_view().children[0].value)

    shown = _click(desk, actions.template_button)
    assert "生成模板：已完成" in _text(shown), shown
    assert len(list((root / "templates" / "2024" / "县级申报材料").glob("*.xlsx"))) == 95
    assert 'href="/landassess/files/templates/2024/' in shown

    assert [label for label, _ in actions.collect_from.options][0] == "returned/2024/"
    shown = _click(desk, actions.collect_button)
    assert "收集材料：已完成" in _text(shown), shown
    assert (root / "data" / "2024" / "declarations.csv").is_file()
    assert "<h3>浏览</h3>" in str(desk.browse_view().children[0].children[1].value)  # the views appear

    shown = _click(desk, actions.validate_button)
    assert "检查数据：已完成" in _text(shown) and "2024 年度输入校验" in _text(shown), shown
    assert list((root / "outputs" / "2024-补正通知").glob("*.xlsx"))
    assert 'href="/landassess/files/outputs/2024-%E8%A1%A5' in shown  # outputs/2024-补正通知/…

    shown = _click(desk, actions.run_button)
    assert "运行评估：已完成" in _text(shown), shown
    assert (out / "report.html").is_file() and 'href="/landassess/files/outputs/2024/report.html"' in shown
    assert "打开报告" in actions.report_link.value

    shown = _click(desk, actions.documents_button)
    assert "起草公文：已完成" in _text(shown), shown
    assert (out / "公示" / "公示公告.docx").is_file() and not (out / "表彰通报.docx").exists()

    actions.finalize_button.click()
    assert actions.confirm_box.layout.display is None and "--force" not in str(actions.confirm_box.children[0].value)
    shown = _click(desk, actions.confirm_button)
    assert "2024 年度已定稿" in _text(shown), shown
    assert json.loads((out / "FINALIZED.json").read_text(encoding="utf-8"))["version"] == 1

    shown = _click(desk, actions.run_button)  # a finalised year: no run, the way to re-issue instead
    assert "运行评估：未完成" in _text(shown) and "重新发布" in _text(shown) and "--force" not in shown

    actions.reissue_button.click()  # no reason yet: asked for one, nothing run
    assert "请先在“原因”中写明" in _text(actions.status.value)
    assert actions.reissue_box.layout.display == "none"
    actions.reason.value = "异议成立，见省厅复核意见"
    actions.reissue_button.click()
    assert actions.reissue_box.layout.display is None
    shown = _click(desk, actions.confirm_reissue_button)
    assert "重新发布：已完成" in _text(shown), shown
    record = json.loads((out / "FINALIZED.json").read_text(encoding="utf-8"))
    assert record["version"] == 2 and record["reason"] == "异议成立，见省厅复核意见"
    assert (out / "versions" / "v1" / "report.html").is_file()
    assert "与原定稿结果（v1" in _text(shown)

    shown = _click(desk, actions.documents_button)
    assert (out / "表彰通报.docx").is_file(), shown
    assert not list(Path(desk.root).glob("*.ipynb"))  # nothing written beside the department folder's own


def test_no_internal_id_on_the_step_buttons(year):
    _, desk = year
    labels = [b.description for b in desk.actions.buttons] + [desk.init_button.description]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", label) for label in labels), labels


def test_bad_starts_are_refused_before_any_server(tmp_path):
    from landassess.cli import EXIT_INPUT, EXIT_USAGE, main

    outputs = tmp_path / "outputs-root"
    (outputs / "data" / "2024").mkdir(parents=True)
    (outputs / "data" / "2024" / "manifest.json").write_text("{}", encoding="utf-8")
    assert main(["app", "--root", str(outputs), "--no-browser"]) == EXIT_USAGE
    department = tmp_path / "dept"
    (department / "data" / "2024").mkdir(parents=True)
    (department / "params").mkdir()
    (department / "params" / "2024.yaml").write_text("tiers: [oops\n", encoding="utf-8")
    assert main(["app", "--root", str(department), "--no-browser"]) == EXIT_INPUT
    assert main(["app", "--root", str(tmp_path / "missing"), "--no-browser"]) == EXIT_USAGE
