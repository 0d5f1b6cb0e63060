"""Which edition a report is (SPEC 8.4): a working draft, or 定稿 第N版 once the year is finalised.

Every report carries one marked paragraph under its title. Before ``finalize`` it says the report
is not final; ``finalize`` (and a re-issue, which stays final) replaces that paragraph — and
nothing else — with 定稿 第N版 and the time of finalisation, and prints the PDF again, whose page
header then carries the same words (:mod:`landassess.run.finalmark`). The draft text holds every
character of the final text but the digits, so the report's embedded font already has their glyphs.
"""

from __future__ import annotations

import re

from landassess.publish.report.markup import HTMLFragment, _e

ELEMENT_ID = "la-edition"
DRAFT_TEXT = "本报告尚未定稿。定稿后，此处和每页页眉标明“定稿 第N版”及定稿时间（重新出具的版本亦同）。"
_ELEMENT = re.compile(r'<p class="la-edition" id="la-edition">[^<]*</p>')


def edition_html(text: str = DRAFT_TEXT) -> HTMLFragment:
    """The marked paragraph under the report's title."""
    return HTMLFragment(f'<p class="la-edition" id="{ELEMENT_ID}">{_e(text)}</p>')


def final_label(record: dict) -> str:
    """``定稿 第2版`` from a ``FINALIZED.json`` record."""
    return f"定稿 第{int(record['version'])}版"


def final_text(record: dict) -> str:
    """``定稿 第1版（2026-03-01 10:00 定稿）``; a re-issue says so (its reason is in the report's 版本变更)."""
    when = str(record.get("finalized_at", ""))[:16].replace("T", " ")
    reissued = "，重新出具" if record.get("reissued") else ""
    return f"{final_label(record)}（{when} 定稿{reissued}）"


def stamp(html: str, text: str) -> str:
    """``html`` with its edition paragraph saying ``text``; a ``ValueError`` when it has not exactly one."""
    found = _ELEMENT.findall(html)
    if len(found) != 1:
        raise ValueError(f"报告中应有且只有一处版次标记（{ELEMENT_ID}），找到 {len(found)} 处")
    return _ELEMENT.sub(lambda _: str(edition_html(text)), html, count=1)


def edition_of(html: str) -> str | None:
    """The text of ``html``'s edition paragraph (unescaped), or None when it has none."""
    import html as html_module

    found = _ELEMENT.findall(html)
    if len(found) != 1:
        return None
    return html_module.unescape(found[0].split(">", 1)[1].rsplit("<", 1)[0])
