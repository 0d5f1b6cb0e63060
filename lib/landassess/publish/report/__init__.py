"""The report's sections (issue 3): HTML fragments built from an :class:`Assessment`.

The notebook presents, this package decides what is shown. Every input string goes through
``html.escape`` (tables through ``DataFrame.to_html(escape=True)``), and personal data
(contacts, phones) is never shown. One module per group of sections, in the report's order:

- :mod:`.overview` — 一 概览, 二 公示名单与排名, and the changes of a re-issued year;
- :mod:`.eligibility` — 三 一票否决, 四 推荐名额;
- :mod:`.scores` — 五 评分, 六 加分;
- :mod:`.verification` — 七 实地查验与异议 and the draw's check commands;
- :mod:`.ledgers` — 八 数据问题, 九 逐县说明;
- :mod:`.assumptions` — 十 假设与口径, 十一 溯源 (read from the manifest, :mod:`landassess.publish.provenance`),
  with :mod:`.parameters` — the parameters used, in words, each with the file that set it;
- :mod:`.citations` — where a row was read: the sender's workbook cell, or the table's file and line;
- :mod:`.markup` and :mod:`.privacy` — the HTML helpers (codes, clauses and numbers kept on one line),
  phone masking and contact scrubbing.
"""

from __future__ import annotations

from landassess.publish.report.assumptions import assumptions_section, provenance_section
from landassess.publish.report.eligibility import quotas_section, vetoes_section
from landassess.publish.report.ledgers import (
    LedgerIndex,
    county_ledger,
    ledgers,
    problems_section,
    verification_sentence,
)
from landassess.publish.report.markup import (
    DEMO_BANNER,
    NOTICE_TITLE,
    HTMLFragment,
    _e,
    _num,
    _pct,
    _table,
)
from landassess.publish.report.overview import changes_section, overview, ranking_table
from landassess.publish.report.privacy import (
    HIDDEN_VALUE,
    PHONE_MASK,
    mask_phone_numbers,
    personal_values,
    scrub_personal_values,
    shareable_problems,
    shareable_value_and_message,
)
from landassess.publish.report.scores import bonus_section, scoring_section
from landassess.publish.report.verification import (
    python_check_command,
    python_literal,
    shell_check_command,
    verification_section,
)

__all__ = [
    "DEMO_BANNER", "HIDDEN_VALUE", "NOTICE_TITLE", "PHONE_MASK", "HTMLFragment", "LedgerIndex",
    "_e", "_num", "_pct", "_table",
    "assumptions_section", "bonus_section", "changes_section", "county_ledger", "ledgers", "mask_phone_numbers",
    "overview", "personal_values", "problems_section", "provenance_section", "python_check_command",
    "python_literal", "quotas_section", "ranking_table", "scoring_section", "scrub_personal_values",
    "shareable_problems", "shareable_value_and_message", "shell_check_command", "verification_section",
    "verification_sentence", "vetoes_section",
]
