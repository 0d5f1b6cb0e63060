"""The evaluator workbench (JupyterLab + ipywidgets): browse, what if, how robust, decide.

The widgets are thin: every number and table comes from a ``landassess`` function that is tested
without a browser (:mod:`tables`, :mod:`whatif`, :mod:`robustness`, :mod:`decisions`). A
:class:`Workbench` can be driven from Python: set a widget's ``value`` or call ``button.click()``
and read the HTML widgets.
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

import pandas as pd

from landassess.assessment import Assessment, run_assessment
from landassess.clock import china_today
from landassess.params import ParamsError
from landassess.paths import ParamsFiles, department_files, override_files
from landassess.problems import InputError
from landassess.publish import report
from landassess.publish.webfont import FAMILY
from landassess.vocabulary import STATUS_ZH
from landassess.workbench import robustness, whatif
from landassess.workbench.decisions import DECISION_ZH, DecisionError, record_decision
from landassess.workbench.tables import ALL, SORTS, browse_table, robustness_html, scorecard_html

__all__ = ["ALL", "SORTS", "WORKBENCH_CSS", "Workbench", "browse_table", "scorecard_html", "workbench_style"]

FONT_STACK = f'"{FAMILY}", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
"""The packaged font (embedded by :func:`workbench_style`) first, then the usual system CJK fonts."""
FONT_SELECTORS = (
    ".widget-html", ".widget-label", ".widget-dropdown", ".widget-readout", ".jupyter-widgets",
    "select", "option", "input", "textarea", "button", "input::placeholder", "textarea::placeholder",
    ".widget-dropdown select", ".jupyter-widgets select", ".jupyter-widgets option", ".jupyter-widgets input",
    ".jupyter-widgets textarea", ".jupyter-widgets button", ".jupyter-button",
)
"""The text and the native controls (drop-downs, inputs and their placeholders, buttons), which do
not inherit the page's font: without the packaged font they show boxes where no CJK font is installed."""
WORKBENCH_CSS = """
.la-table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
.la-table th, .la-table td { border: 1px solid #d6dde6; padding: 3px 8px; text-align: left; }
.la-table thead th { background: #eef3f8; }
.la-table tbody tr:nth-child(even) { background: #fafbfd; }
.la-table tr.la-tier-model { background: #e3f1e5; }
.la-table tr.la-pending { background: #fff4e5; }
.la-note { color: #5f6b7a; font-size: 12.5px; }
""" + "".join(  # one rule per kind: a browser drops a whole rule whose selector list it cannot read
    ", ".join(s for s in FONT_SELECTORS if ("::" in s) == is_pseudo) + f" {{ font-family: {FONT_STACK}; }}\n"
    for is_pseudo in (False, True))


def workbench_style(a: Assessment) -> str:
    """A <style> block: table styles and the embedded font, cut to the text the workbench shows."""
    return folder_style(a.inputs.folder)


def folder_style(folder: Path) -> str:
    """The same for a year folder that cannot be assessed yet (the package's own text, the divisions, its files)."""
    from landassess.publish.webfont import cjk_and_symbols, predicted_text, subset_font_css

    characters = cjk_and_symbols(predicted_text(folder))
    return f"<style>{subset_font_css(''.join(sorted(characters)))}{WORKBENCH_CSS}</style>"


class Workbench:
    """All four views over one data root (one sub-folder per year)."""

    def __init__(self, data_root: str | Path, year: int, params_file: ParamsFiles = None,
                 department_params: str | Path | None = None):
        import ipywidgets as w

        self.data_root = Path(data_root)
        self.params_file = params_file or None
        self.department_params = Path(department_params) if department_params else None
        self.years = sorted(int(p.name) for p in self.data_root.iterdir() if p.is_dir() and p.name.isdigit())
        self._cache: dict[int, Assessment] = {}
        self.year = w.Dropdown(options=self.years, value=year, description="年度")
        self.city = w.Dropdown(description="设区市")
        self.status = w.Dropdown(options=[ALL, *STATUS_ZH.values()], value=ALL, description="状态")
        self.sort = w.Dropdown(options=list(SORTS), value="名次", description="排序")
        self.table = w.HTML()
        self.county = w.Dropdown(description="县")
        self.scorecard = w.HTML()
        # What if
        self.model_quota = w.IntSlider(min=0, max=30, description="模范名额")
        self.advanced_quota = w.IntSlider(min=0, max=30, description="先进名额")
        self.trim_count = w.IntSlider(min=0, max=3, description="去极值个数")
        self.bonus_cap = w.Dropdown(options=["不设", "0.5", "1", "1.5", "2", "3"], description="加分上限")
        self.quota_share = w.Dropdown(options=["0.3", "0.35", "0.4", "0.45", "0.5", "0.6"], description="推荐比例")
        self.dimension_weights: dict[str, w.FloatSlider] = {}
        self.criterion_max: dict[str, w.BoundedFloatText] = {}
        self.whatif_result = w.HTML()
        self.whatif_changes = w.HTML()
        self.reset_button = w.Button(description="恢复正式参数")
        # How robust
        self.robust_runs = w.IntSlider(value=50, min=10, max=300, step=10, description="扰动次数")
        self.robust_button = w.Button(description="计算稳健性", button_style="info")
        self.robust_table = w.HTML()
        self.robust_chart = w.Output()
        # Decide
        self.decide_county = w.Dropdown(description="县")
        self.decide_value = w.Dropdown(options=[(v, k) for k, v in DECISION_ZH.items()], description="决定")
        self.decide_reason = w.Textarea(description="理由", placeholder="评审委员会的理由（必填）")
        self.decide_by = w.Text(value="评审委员会", description="决定人")
        self.decide_button = w.Button(description="记录决定", button_style="warning")
        self.decide_message = w.HTML()
        self._build_rubric_widgets()
        self._wire()
        self._load_year()

    # ------------------------------------------------------------------ state

    @property
    def assessment(self) -> Assessment:
        return self._get(self.year.value)

    def _get(self, year: int) -> Assessment:
        if year not in self._cache:
            self._cache[year] = run_assessment(year, self.data_root / str(year), self.params_files(year))
        return self._cache[year]

    def params_files(self, year: int) -> tuple[Path, ...]:
        """SPEC 8.0: the department's ``base.yaml`` and ``<year>.yaml``, then the app's ``--params``."""
        own = department_files(year, self.department_params) if self.department_params else []
        return (*own, *override_files(self.params_file))

    def history(self) -> dict[int, Assessment]:
        out = {}
        for year in self.years:
            try:
                out[year] = self._get(year)
            except InputError:
                continue
        return out

    def _build_rubric_widgets(self) -> None:
        import ipywidgets as w

        params = self._get(self.year.value).params
        for d in params.rubric.dimensions:
            self.dimension_weights[d.id] = w.FloatSlider(value=float(d.weight), min=0.5, max=2.0, step=0.1,
                                                         description=d.name[:6],
                                                         tooltip=d.name)
            for c in d.criteria:
                self.criterion_max[c.id] = w.BoundedFloatText(value=float(c.max), min=0.5, max=50, step=0.5,
                                                              description=c.id, tooltip=c.name,
                                                              layout=w.Layout(width="160px"))

    def _wire(self) -> None:
        self.year.observe(lambda _: self._load_year(), names="value")
        for widget in (self.city, self.status, self.sort):
            widget.observe(lambda _: self.refresh_browse(), names="value")
        self.county.observe(lambda _: self.refresh_scorecard(), names="value")
        for widget in (self.model_quota, self.advanced_quota, self.trim_count, self.bonus_cap, self.quota_share,
                       *self.dimension_weights.values(), *self.criterion_max.values()):
            widget.observe(lambda _: self.refresh_whatif(), names="value")
        self.reset_button.on_click(lambda _: self.reset_whatif())
        self.robust_button.on_click(lambda _: self.refresh_robustness())
        self.decide_button.on_click(lambda _: self.record())

    def _load_year(self) -> None:
        a = self.assessment
        self.base = whatif.prepare(a)
        self.city.options = [ALL, *a.divisions.cities]
        self.city.value = ALL
        declared = a.counties[a.counties["is_declared"]]
        self.county.options = [(f"{r.code} {r.name}（{r.status_zh}）", r.code) for r in declared.itertuples()]
        ranked = a.counties[a.counties["is_ranked"]].sort_values("position")
        self.decide_county.options = [(f"{r.code} {r.name}（第{r.rank}名，{r.status_zh}）", r.code)
                                      for r in ranked.itertuples()]
        if len(ranked):
            self.county.value = ranked["code"].iloc[0]
        pending = ranked[ranked["status"] == "tie_pending"]
        if len(pending):
            self.decide_county.value = pending["code"].iloc[0]
        self.reset_whatif()
        self.refresh_browse()
        self.refresh_scorecard()
        self.robust_table.value = "<p>点击“计算稳健性”。</p>"

    # ------------------------------------------------------------------ views

    def refresh_browse(self) -> None:
        table = browse_table(self.assessment, self.city.value or ALL, self.status.value, self.sort.value)
        self.table.value = f"<p>{len(table)} 个申报县</p>" + report._table(table, empty="没有符合条件的县。")

    def refresh_scorecard(self) -> None:
        if self.county.value:
            self.scorecard.value = scorecard_html(self.assessment, self.county.value, self.history())

    def scenario(self) -> whatif.Scenario:
        """The parameter override the what-if widgets describe: only the values that differ."""
        params = self.assessment.params
        cap = self.bonus_cap.value
        trim = self.trim_count.value
        wanted: dict[str, object] = {
            "tiers.model.quota": self.model_quota.value, "tiers.advanced.quota": self.advanced_quota.value,
            "scoring.trim.count": trim, "bonus.cap": None if cap == "不设" else Decimal(cap),
            "recommendation.quota_share": Decimal(self.quota_share.value),
        }
        if trim and params.scoring.trim.min_evaluators <= 2 * trim:
            wanted["scoring.trim.min_evaluators"] = 2 * trim + 1
        for d in params.rubric.dimensions:
            wanted[f"rubric.dimensions.{d.id}.weight"] = Decimal(str(round(self.dimension_weights[d.id].value, 2)))
        for c in params.rubric.criteria:
            wanted[f"rubric.criteria.{c.id}.max"] = Decimal(str(self.criterion_max[c.id].value))
        official = {
            "tiers.model.quota": params.tiers.model.quota, "tiers.advanced.quota": params.tiers.advanced.quota,
            "scoring.trim.count": params.scoring.trim.count, "bonus.cap": params.bonus.cap,
            "recommendation.quota_share": params.recommendation.quota_share,
            "scoring.trim.min_evaluators": params.scoring.trim.min_evaluators,
            **{f"rubric.dimensions.{d.id}.weight": d.weight for d in params.rubric.dimensions},
            **{f"rubric.criteria.{c.id}.max": c.max for c in params.rubric.criteria},
        }
        return whatif.Scenario.of({k: v for k, v in wanted.items() if v != official[k]})

    def reset_whatif(self) -> None:
        params = self.assessment.params
        self._muted = True
        self.model_quota.value = params.tiers.model.quota
        self.advanced_quota.value = params.tiers.advanced.quota
        self.trim_count.value = params.scoring.trim.count
        self.bonus_cap.value = "不设" if params.bonus.cap is None else f"{params.bonus.cap.normalize():f}"
        share = f"{params.recommendation.quota_share.normalize():f}"
        if share not in self.quota_share.options:
            self.quota_share.options = sorted({*self.quota_share.options, share})
        self.quota_share.value = share
        for d in params.rubric.dimensions:
            self.dimension_weights[d.id].value = float(d.weight)
        for c in params.rubric.criteria:
            self.criterion_max[c.id].value = float(c.max)
        self._muted = False
        self.refresh_whatif()

    def refresh_whatif(self) -> None:
        if getattr(self, "_muted", False):
            return
        try:
            result = whatif.recompute(self.base, self.scenario())
        except ParamsError as error:
            self.whatif_changes.value = f'<p style="color:#b3261e">参数无效：{html.escape(str(error))}</p>'
            return
        changes = whatif.compare(self.base, result)
        ranked = whatif.ranking_table(result)
        shown = pd.DataFrame({"名次": ranked["rank"], "县（市、区）": ranked["name"], "总分": ranked["total"],
                              "称号": ranked["title"]})
        entering = set(changes.loc[changes["change"].str.startswith("进入"), "code"])
        classes = ["la-tier-model" if c in entering else "" for c in ranked["code"]]
        self.whatif_result.value = report._table(shown, empty="没有进入排名的县。", row_classes=classes)
        self.whatif_changes.value = ("<p><b>与正式参数相比：</b></p>" + report._table(pd.DataFrame({
            "县（市、区）": changes["name"], "正式结果": changes["official"], "本方案": changes["scenario"],
            "变化": changes["change"]}), empty="称号名单与正式参数的结果相同。"))

    def refresh_robustness(self) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        from landassess.publish.figures import setup_fonts

        variants = robustness.run_variants(self.base, runs=self.robust_runs.value)
        table = robustness.label_counties(self.base.official.counties, variants.titled)
        self.robust_table.value = robustness_html(variants, table)
        table = table[table["label"] != "not-eligible"]  # the chart shows the counties that take part
        self.robust_chart.clear_output()
        with self.robust_chart:
            setup_fonts()
            fig, ax = plt.subplots(figsize=(9, max(2.5, 0.25 * len(table))))
            colors = {"stable-in": "#2e7d32", "marginal": "#e08a00", "stable-out": "#9aa5b1"}
            ax.barh(table["name"], table["titled_in"] / table["variants"] * 100, color=table["label"].map(colors))
            ax.invert_yaxis()
            ax.set_xlabel("入选的变体占比（%）")
            ax.set_title("稳健性（不含不参与的县）：绿 稳定入选，橙 边缘，灰 稳定落选")
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    def record(self) -> None:
        if not self.decide_county.value:  # no county chosen (or none ranked): ask, record nothing
            self.decide_message.value = '<p style="color:#b3261e">请先选择县（市、区）。</p>'
            return
        a = self.assessment
        try:
            # Checked first with the run's own rules (quotas, a ranked unit): refused if the run would not apply it.
            path = record_decision(self.data_root / str(self.year.value), a.divisions, self.decide_county.value,
                                   self.decide_value.value, self.decide_reason.value, self.decide_by.value,
                                   china_today(), assessment=a)
        except DecisionError as error:
            self.decide_message.value = f'<p style="color:#b3261e">未记录：{html.escape(str(error))}</p>'
            return
        self._cache.pop(self.year.value, None)
        self._load_year()
        self.decide_message.value = (f"<p>已记录到 {html.escape(str(path))}；重新运行 landassess run 后生效，"
                                     f"报告将列出该决定及理由。</p>")

    # ------------------------------------------------------------------ layout

    def style(self):
        """Table styles and a Chinese font for the views (machines without CJK fonts included)."""
        import ipywidgets as w

        return w.HTML(workbench_style(self.assessment))

    def browse_view(self):
        import ipywidgets as w

        return w.VBox([self.style(), w.HTML("<h3>浏览</h3>"), w.HBox([self.year, self.city, self.status, self.sort]), self.table,
                       self.county, self.scorecard])

    def whatif_view(self):
        import ipywidgets as w

        criteria = w.GridBox(list(self.criterion_max.values()), layout=w.Layout(grid_template_columns="repeat(4, 170px)"))
        return w.VBox([w.HTML("<h3>假如（仅供探索，不改变正式结果）</h3>"),
                       w.HBox([self.model_quota, self.advanced_quota, self.trim_count]),
                       w.HBox([self.bonus_cap, self.quota_share, self.reset_button]),
                       w.Accordion(children=[w.VBox(list(self.dimension_weights.values())), criteria],
                                   titles=("维度权重", "指标满分")),
                       w.HBox([self.whatif_result, self.whatif_changes])])

    def robustness_view(self):
        import ipywidgets as w

        return w.VBox([w.HTML("<h3>稳健性</h3>"), w.HBox([self.robust_runs, self.robust_button]), self.robust_table,
                       self.robust_chart])

    def reload(self) -> None:
        """Read the shown year's inputs again (after 收集材料 replaced its tables)."""
        self._cache.pop(self.year.value, None)
        self._load_year()

    def decide_view(self):
        import ipywidgets as w

        return w.VBox([w.HTML("<h3>记录评审决定</h3>"), self.decide_county, self.decide_value, self.decide_reason,
                       self.decide_by, self.decide_button, self.decide_message])
