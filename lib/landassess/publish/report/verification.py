"""Report section 七 实地查验与异议 (六(三)): the public draw, copy-paste-safe check commands, outcomes."""

from __future__ import annotations

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.report.markup import HTMLFragment, _e, _section, _table
from landassess.vocabulary import STATUS_ZH

# --------------------------------------------------------------------------- 7 实地查验与异议


_SAFE_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :._,/+=-")


def shell_check_command(seed: str, code: str) -> str:
    r"""A POSIX sh command printing ``sha256("<seed>:<code>")`` as sha256sum does, safe for any seed.

    A seed of visible characters is quoted literally (``'`` written as ``'\''``), so ``$()``,
    backticks, ``;`` and quotes are only data. A seed with a control or invisible character
    (a newline, a tab, a zero-width space) cannot be copied reliably from a page: every byte
    outside ``[A-Za-z0-9:._]`` is then written as a ``printf`` octal escape.
    """
    text = f"{seed}:{code}"
    if text.isprintable():
        return "printf '%s' '" + text.replace("'", "'\\''") + "' | sha256sum"
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:._")  # no "-": not an option
    encoded = "".join(chr(b) if chr(b) in safe else "%%" if b == 0x25 else f"\\{b:03o}" for b in text.encode())
    return f"printf '{encoded}' | sha256sum"


def python_literal(text: str) -> str:
    """``text`` as a single-quoted Python literal of plain ASCII letters, digits and escapes.

    It contains no quote, ``$``, ``%``, ``!``, ``^``, backtick or backslash pair, so it passes
    unchanged through sh, cmd.exe and PowerShell double quotes.
    """
    parts = []
    for ch in text:
        if ch in _SAFE_LITERAL:
            parts.append(ch)
        elif ord(ch) < 0x100:
            parts.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            parts.append(f"\\u{ord(ch):04x}")
        else:
            parts.append(f"\\U{ord(ch):08x}")
    return "'" + "".join(parts) + "'"


def python_check_command(seed: str, code: str) -> str:
    """A one-line Python check of ``sha256("<seed>:<code>")`` that works in cmd, PowerShell and sh."""
    literal = python_literal(f"{seed}:{code}")
    return f'python -c "import hashlib;print(hashlib.sha256({literal}.encode(\'utf-8\')).hexdigest())"'


def verification_section(a: Assessment) -> HTMLFragment:
    """The seed, the algorithm and the check commands, the drawn units, the outcomes."""
    seed, count = a.params.spot_check.seed, a.params.spot_check.count
    keep: tuple[str, ...] = ()
    if seed is None:
        draw = '<p class="la-note">未设置公开随机种子（spot_check.seed），本年度不抽取实地查验单位。</p>'
    else:
        d = a.draw
        frame = pd.DataFrame({
            "顺序": d["order"], "县级代码": d["code"], "县（市、区）": d["code"].map(a.divisions.name_of()),
            "sha256(种子:代码)": d["hash"], "是否抽中": d["is_drawn"].map({True: "抽中", False: ""}),
        })
        example = d["code"].iloc[0] if len(d) else "320102"
        shown_seed = _e(seed) if seed.isprintable() else (
            _e(python_literal(seed)) + "（含不可见或控制字符，此处按 Python 转义写法显示）")
        keep = (seed, python_literal(seed), shell_check_command(seed, example))
        draw = (f"<p>公开种子：<b class='la-mono'>{shown_seed}</b>；抽取数量：{count}；抽取范围：拟评定为模范、先进的单位。</p>"
                f"<p>算法：对范围内每个单位计算 sha256(\"种子:县级代码\") 的十六进制小写值，按升序排列，取前 {count} 个。"
                f"任何人可用如下命令复核（以 {_e(example)} 为例，换成其他县级代码即可）：</p>"
                f"<p>Linux 或 macOS 终端（macOS 可把 sha256sum 换成 shasum -a 256；种子原样放在单引号中，不会被执行）：</p>"
                f"<pre class='la-mono la-check-sh'>{_e(shell_check_command(seed, example))}</pre>"
                f"<p>Windows（命令提示符或 PowerShell，需已安装 Python；也适用于其他系统）：</p>"
                f"<pre class='la-mono la-check-py'>{_e(python_check_command(seed, example))}</pre>"
                f"<p>两条命令输出的十六进制值应与下表该县一行相同（sha256sum 另在末尾输出“  -”）。</p>"
                + _table(frame, row_classes=["la-pending" if x else "" for x in d["is_drawn"]]))
    o = a.outcomes
    status = a.counties.set_index("code")["status"]
    outcomes = pd.DataFrame({
        "县级代码": o["code"], "县（市、区）": o["code"].map(a.divisions.name_of()),
        "查验通过": o["check_passed"].map({True: "是", False: "否"}), "异议成立": o["objection_upheld"].map({True: "是", False: "否"}),
        "取消资格原因": o["disqualified_reason"],
        "结论": [_outcome_conclusion(r, status.get(c, "")) for r, c in zip(o["reason"], o["code"], strict=True)],
    })
    markup = draw + "<h3>查验与异议结果</h3>" + _table(outcomes, empty="尚未记录查验与异议结果。") + (
        '<p class="la-note">六(三)：创建单位未通过查验或因其他原因被取消资格的，不再进行增补——其余单位的名次和称号不变。'
        "查验与异议结果只对拟评定为模范、先进的单位起作用；对其他单位只作提示，不改变其状态。</p>")
    return _section("verification", "七、实地查验与异议", markup, a, keep)


def _outcome_conclusion(reason: str, status: str) -> str:
    """One verification row's effect, consistent with the unit's status."""
    status_zh = STATUS_ZH.get(status, "未进入排名")
    if reason and status == "disqualified":
        return "取消资格：" + reason
    if reason and status == "incomplete":
        return f"记录：{reason}；该县因数据问题为“{status_zh}”"
    if reason:
        return f"不影响结果：该单位没有拟评定称号（{status_zh}），记录：{reason}"
    if status in ("model", "advanced"):
        return "保留称号"
    if status == "disqualified":
        return "本行无取消资格情形（该县因另一行记录取消资格）"
    return f"不影响结果（{status_zh}）"


