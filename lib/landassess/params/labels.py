"""The parameters in words: each group and each value of ``params/*.yaml`` by its Chinese name.

One map for every place that names a parameter to a reader (the report's parameter table; issue 19).
The keys are the dotted keys of the parameter files (``tiers.model.quota``); a list is one value
(``rubric.dimensions``, ``tie_break.order``, ``evaluators``). The ``source`` of each group is not
listed: it is the group's 依据, shown with the group.
"""

from __future__ import annotations

PARAM_GROUP_ZH = {
    "divisions": "评估对象（区划名单）", "deadlines": "申报与推荐截止日期", "vetoes": "一票否决",
    "bonus": "加分", "recommendation": "推荐名额", "tiers": "称号名额与分数线", "scoring": "评分方法",
    "tie_break": "总分相同时的比较顺序", "spot_check": "实地查验抽取", "rubric": "评估指标（评估细则）",
    "report": "报告显示", "documents": "公示与通报文稿", "evaluators": "评委名单",
}
"""The parameter groups (the top-level keys of the parameter file) in words."""

PARAMETER_ZH = {
    "divisions.file": "区划名单文件",
    "divisions.province": "省份",
    "deadlines.declaration": "申报截止日期（评估年度的次年）",
    "deadlines.recommendation": "推荐截止日期（评估年度的次年）",
    "vetoes.cultivated_ratio_threshold": "违法占用耕地比例否决线（含）",
    "vetoes.cultivated_area_threshold_mu": "违法占用耕地面积否决线（含）",
    "vetoes.hectare_to_mu": "公顷与亩的换算",
    "vetoes.event_clauses": "否决事项条款（七(一)，按事项记录判断）",
    "bonus.cap": "加分上限",
    "bonus.points.commendation.national": "国家级通报表扬加分",
    "bonus.points.commendation.provincial": "省级通报表扬加分",
    "bonus.points.typical_experience.national": "国家级典型经验加分",
    "bonus.points.typical_experience.provincial": "省级典型经验加分",
    "recommendation.quota_share": "推荐名额占所辖县级单位的比例",
    "tiers.model.quota": "模范名额",
    "tiers.model.min_total": "模范最低总分",
    "tiers.advanced.quota": "先进名额",
    "tiers.advanced.min_total": "先进最低总分",
    "scoring.method": "指标得分的计算方法",
    "scoring.trim.count": "去掉最高分、最低分各几个",
    "scoring.trim.min_evaluators": "去极值所需的最少评委人数",
    "scoring.score_decimals": "得分保留的小数位数（四舍五入）",
    "tie_break.order": "总分相同时依次比较",
    "spot_check.seed": "公开随机种子",
    "spot_check.count": "抽取数量",
    "spot_check.pool": "抽取范围",
    "rubric.dimensions": "评估方面与指标",
    "rubric.effectiveness_dimension": "总分相同时先比较的方面",
    "report.spread_flag_share": "评委分歧提示线（极差占满分的比例）",
    "documents.issuer": "发文机关",
    "documents.issue_date": "公示成文日期",
    "documents.notice_date": "表彰通报成文日期",
    "documents.gongshi_number": "公示发文字号",
    "documents.notice_number": "表彰通报发文字号",
    "documents.addressees": "主送机关",
    "documents.cc": "抄送",
    "documents.printer": "印发机关",
    "documents.print_date": "印发日期",
    "documents.publicity_start": "公示期开始",
    "documents.publicity_end": "公示期结束",
    "documents.objection_channel": "异议受理方式",
    "evaluators": "评委名单（评分表与名单中的顺序）",
}
"""Each value of the parameter files (dotted key) in words, in the order of ``params/base.yaml``."""
