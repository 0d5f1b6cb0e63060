"""The reference list of county-level divisions, the evaluation objects (五).

Default: the 95 county-level divisions of Jiangsu (2022 codes, valid for 2023–2024), packaged in
``landassess/data/jiangsu_divisions.csv`` with its source note. Another province's list with the
same columns can be given in the parameters (``divisions.file``).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pandas as pd

from landassess.paths import DATA_DIR
from landassess.problems import InputError

DEFAULT_DIVISIONS_FILE = DATA_DIR / "jiangsu_divisions.csv"
REQUIRED_COLUMNS = ("code", "name", "city_code", "city", "kind")


class DivisionsError(InputError, ValueError):
    """The reference list cannot be used."""


@dataclass(frozen=True)
class Divisions:
    """The reference list: one row per division, indexed by 6-digit code (text)."""

    table: pd.DataFrame  # columns code, name, city_code, city, kind; sorted by code
    source_file: Path

    @property
    def codes(self) -> list[str]:
        return self.table["code"].tolist()

    @property
    def cities(self) -> list[str]:
        return list(dict.fromkeys(self.table.sort_values("city_code")["city"]))

    def city_of(self) -> dict[str, str]:
        return dict(zip(self.table["code"], self.table["city"], strict=True))

    def name_of(self) -> dict[str, str]:
        return dict(zip(self.table["code"], self.table["name"], strict=True))

    def count_by_city(self) -> pd.Series:
        return self.table.groupby("city", sort=False).size()

    def city_prefixes(self) -> dict[str, str]:
        """First four digits of each city code → city name."""
        return dict(zip(self.table["city_code"].str[:4], self.table["city"], strict=False))

    def county_named_in(self, text: str) -> str:
        """The one county a file or folder name names (SPEC 8.0), or "".

        A county counts by its 6-digit code, or by its name when the name is unique in the province
        or preceded by its city (鼓楼区 is in 南京 and 徐州: only 南京市鼓楼区 names one). More than
        one county named, or none: "".
        """
        import re

        from landassess.names import canonical

        text = canonical(text)
        codes = {c for c in re.findall(r"(?<!\d)(\d{6})(?!\d)", text) if c in set(self.codes)}
        if codes:
            return codes.pop() if len(codes) == 1 else ""
        counts = self.table["name"].value_counts()
        named = {code for code, name, city in self.table[["code", "name", "city"]].itertuples(index=False)
                 if city + name in text or (counts[name] == 1 and name in text)}
        return named.pop() if len(named) == 1 else ""


MAX_FILE_BYTES = 16 * 1024 * 1024
"""A division list is a few hundred rows; a larger file (or ``/dev/zero``) is refused unread."""
_BAD_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u2028\u2029]')
_NAME_EXPECTED = "名称中不含 / \\ : * ? \" < > | 和控制字符（换行、制表符等）"


def _describe(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"“{char}”"
    return f"控制字符 U+{ord(char):04X}"


def load_divisions(file: str | Path | None = None) -> Divisions:
    """Read the reference list (default: the packaged Jiangsu list).

    Names of divisions and cities become file names (correction notices, recommendation
    workbooks): a name with a path separator, a character Windows forbids in file names or a
    control character is refused with a :class:`DivisionsError` naming the row.
    """
    path = Path(file) if file else DEFAULT_DIVISIONS_FILE
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DivisionsError(f"区划名单 {path} 不是普通文件（是文件夹或设备、管道等特殊文件），无法读取")
        if info.st_size > MAX_FILE_BYTES:
            raise DivisionsError(f"区划名单 {path} 过大（{info.st_size:,} 字节，上限 {MAX_FILE_BYTES:,} 字节）")
        table = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as error:
        reason = "不是 UTF-8 编码" if isinstance(error, UnicodeDecodeError) else \
            "文件为空" if isinstance(error, pd.errors.EmptyDataError) else str(error)
        raise DivisionsError(f"区划名单 {path} 无法读取：{reason}") from error
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise DivisionsError(f"区划名单 {path} 缺少列：{', '.join(missing)}")
    table = table[list(REQUIRED_COLUMNS)].apply(lambda col: col.str.strip())
    bad = table[~table["code"].str.fullmatch(r"\d{6}")]
    if not bad.empty:
        raise DivisionsError(f"区划名单 {path} 中代码不是6位数字：{', '.join(bad['code'])}")
    if table["code"].duplicated().any():
        raise DivisionsError(f"区划名单 {path} 中代码重复")
    for column, what in (("name", "名称"), ("city", "设区市")):
        for index, text in table[column].items():
            if not text:
                raise DivisionsError(f"区划名单 {path} 第 {index + 2} 行（代码 {table.at[index, 'code']}）的{what}为空")
            bad = _BAD_NAME.search(text)
            if bad:
                raise DivisionsError(
                    f"区划名单 {path} 第 {index + 2} 行（代码 {table.at[index, 'code']}）的{what}含有{_describe(bad.group())}："
                    f"名称会用作补正通知等文件的文件名，不能含有路径分隔符、Windows 文件名禁用的字符或控制字符；"
                    f"应为：{_NAME_EXPECTED}")
    return Divisions(table.sort_values("code", ignore_index=True), path)


def city_quotas(divisions: Divisions, share: Decimal) -> pd.DataFrame:
    """Recommendation quota per city: floor(share × divisions of the city) (六(二)), exact."""
    counts = divisions.count_by_city()
    quotas = [int((share * n).to_integral_value(rounding=ROUND_FLOOR)) for n in counts]
    return pd.DataFrame({"city": counts.index, "divisions": counts.to_numpy(), "quota": quotas})
