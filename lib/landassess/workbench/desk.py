"""The department's year in the app (SPEC 8.0, 8.5): choose or lay out a year, run its steps, explore it.

A :class:`Desk` sits on a department folder (``params/``, ``data/<Y>/``, ``returned/<Y>/``,
``templates/<Y>/``, ``outputs/<Y>/``). The year is chosen from the folders that exist; 建立年度 lays
out a new one (``landassess init``). The step buttons (:mod:`landassess.workbench.actions`) take
every folder from the department folder and the year. The four views — 浏览, 假如, 稳健性, 记录评审决定
— are those of a :class:`~landassess.workbench.views.Workbench` for the chosen year, shown once the
year's inputs can be assessed; until then the page says what is missing and what to do.

Each ``*_view()`` returns a box that stays on the page; changing the year or collecting material
replaces its content.
"""

from __future__ import annotations

import html
from pathlib import Path

from landassess.errors import LandassessError
from landassess.paths import ParamsFiles, department_files, override_files
from landassess.workbench import steps
from landassess.workbench.actions import SCRATCH

VIEWS = ("browse", "whatif", "robustness", "decide")
BANNER_STYLE = ("background:#fff4e5;border:2px solid #e08a00;color:#8a4b00;padding:8px 12px;font-weight:bold;"
                "border-radius:6px;margin:6px 0")


class Desk:
    """One department folder in the app: the year, its steps and its views."""

    def __init__(self, root: str | Path | None = None, data_root: str | Path | None = None,
                 out_root: str | Path | None = None, params_file: ParamsFiles = None,
                 department_params: str | Path | None = None, year: int | None = None,
                 report_url: str | None = None, file_url: str | None = None, note: str = ""):
        import ipywidgets as w

        from landassess.workbench.actions import Actions

        self.has_root = bool(root)
        self.root = Path(root) if root else SCRATCH / "省厅"  # a notebook opened by hand never writes beside it
        self.data_root = Path(data_root) if data_root else self.root / "data"
        self.out_root = Path(out_root) if out_root else (self.root / "outputs" if root else SCRATCH)
        self.params_file = params_file or None
        self.department_params = Path(department_params) if department_params else (self.root / "params" if root else None)
        self.file_url = (file_url or "").rstrip("/")
        self.note = note
        known = steps.years(self.data_root)
        self.year = w.Dropdown(options=known, value=(year if year in known else (known[-1] if known else None)),
                               description="年度")
        self.new_year = w.BoundedIntText(value=(known[-1] + 1 if known else _this_year()), min=2000, max=2100,
                                         description="新年度", layout=w.Layout(width="180px"))
        self.init_button = w.Button(description="建立年度", button_style="success", disabled=not self.has_root)
        self.init_message = w.HTML()
        self._callbacks: list = []
        self._benches: dict[int, object] = {}
        self._slots = {name: w.VBox() for name in VIEWS}
        self.actions = Actions(self, report_url)
        self.init_button.on_click(lambda _: self.lay_out_year())
        self.year.observe(lambda _: self._year_changed(), names="value")
        self._show_views()

    # ------------------------------------------------------------------ where

    def year_value(self) -> int | None:
        return self.year.value

    def params_files(self, year: int) -> tuple[Path, ...]:
        """SPEC 8.0: the department's ``base.yaml`` and ``<year>.yaml``, then the app's ``--params``."""
        own = department_files(year, self.department_params) if self.department_params else []
        return (*own, *override_files(self.params_file))

    def folders(self) -> steps.YearFolders:
        year = self.year.value
        return steps.YearFolders(self.root, self.data_root, self.out_root, year,
                                 self.params_files(year) if year else (), self.file_url)

    def year_changed(self, callback) -> None:
        self._callbacks.append(callback)

    def _year_changed(self) -> None:
        self._show_views()
        for callback in self._callbacks:
            callback()

    # ------------------------------------------------------------------ 建立年度

    def lay_out_year(self) -> None:
        """建立年度: ``landassess init`` for the year typed in 新年度, then show it."""
        year = int(self.new_year.value)
        try:
            self.init_message.value = steps.init_year(self.folders(), year)
        except LandassessError as error:
            self.init_message.value = f'<p style="color:#b3261e">{html.escape(error.message)}</p>'
            return
        known = steps.years(self.data_root)
        self.year.options = known
        self.year.value = year
        self._year_changed()

    # ------------------------------------------------------------------ the views

    def bench(self):
        """The chosen year's :class:`Workbench`, or the Chinese reason it cannot be shown yet."""
        from landassess.params import ParamsError
        from landassess.workbench.views import Workbench

        year = self.year.value
        if year is None:
            return None, "还没有年度：在上方填写年度，点击“建立年度”。"
        if year not in self._benches:
            folder = self.data_root / str(year)
            if not any((folder / f"declarations{suffix}").is_file() for suffix in (".csv", ".xlsx")):
                return None, (f"{year} 年度还没有申报材料：把交回的工作簿放进 returned/{year}/，点击“收集材料”。"
                              "浏览、假如、稳健性和记录决定在收集材料后显示。")
            try:
                bench = Workbench(self.data_root, year, self.params_file, self.department_params)
            except (LandassessError, ParamsError) as error:
                message = getattr(error, "message", None) or str(error)
                return None, (f"{year} 年度的输入还不能评估，浏览、假如、稳健性和记录决定在补齐后显示。"
                              f"请点击“检查数据”查看详情。原因：{message}")
            bench.year.layout.display = "none"  # the desk's 年度 chooses the year
            self._benches[year] = bench
        return self._benches[year], ""

    def reload(self) -> None:
        """Read the chosen year again (after 收集材料, 记录决定 or 建立年度)."""
        self._benches.pop(self.year.value, None)
        self._show_views()

    def _show_views(self) -> None:
        import ipywidgets as w

        bench, reason = self.bench()
        for name, slot in self._slots.items():
            if bench is not None:
                slot.children = [getattr(bench, f"{name}_view")()]
            elif name == "browse":
                slot.children = [w.HTML(f"<h3>浏览</h3><p>{html.escape(reason)}</p>")]
            else:
                slot.children = []

    def browse_view(self):
        return self._slots["browse"]

    def whatif_view(self):
        return self._slots["whatif"]

    def robustness_view(self):
        return self._slots["robustness"]

    def decide_view(self):
        return self._slots["decide"]

    def actions_view(self):
        """The year chooser, 建立年度 and the step buttons."""
        import ipywidgets as w

        where = (f"省厅工作文件夹：{html.escape(str(self.root))}" if self.has_root
                 else f"输入：{html.escape(str(self.data_root))}　输出：{html.escape(str(self.out_root))}（临时文件夹）")
        note = (f'<div class="la-banner" style="{BANNER_STYLE}">{html.escape(self.note)}</div>' if self.note else "")
        from landassess.workbench.views import folder_style

        year = self.year.value
        style = w.HTML(folder_style(self.data_root / str(year) if year else self.data_root))  # the font: no boxes
        return w.VBox([style, w.HTML(f"<h3>年度</h3>{note}<p class='la-note'>{where}</p>"),
                       w.HBox([self.year, self.new_year, self.init_button]), self.init_message,
                       self.actions.view()])


def _this_year() -> int:
    from landassess.clock import china_today

    return china_today().year
