"""Reading the recusals table (回避, SPEC 7.4): which evaluator may not score which county or city.

One row per recusal: the evaluator, and either a county code or a whole city (设区市), with an
optional reason. A row naming neither, an unknown code or city, is a located problem; the row is
not applied (the committee fixes the table), no county is made incomplete by it.
"""

from __future__ import annotations

import pandas as pd

from landassess.intake import values as v
from landassess.intake.cells import _Context, base_frame, cells_of, parse_into
from landassess.vocabulary import ERROR


def parse_recusals(ctx: _Context) -> pd.DataFrame:
    """evaluator, code (or ""), city (or ""), reason; ``is_valid`` false for a row that cannot apply."""
    out = base_frame(ctx.raw)
    parse_into(ctx, out, "evaluator", v.required_text("评委", canonical=True), required=True, affects=False)
    parse_into(ctx, out, "code", v.parse_code, required=False, affects=False)
    parse_into(ctx, out, "city", v.city_parser(ctx.divisions.cities), required=False, affects=False)
    parse_into(ctx, out, "reason", v.parse_text, required=False, affects=False, invalidates=False)
    known = set(ctx.divisions.codes)
    raw_codes, raw_cities = cells_of(ctx, "code"), cells_of(ctx, "city")
    for i in range(len(out)):
        code, city = out.at[out.index[i], "code"], out.at[out.index[i], "city"]
        if code and code not in known:
            ctx.add(ERROR, i, "code", f"{code} 不在县级行政区划名单中，该回避未生效", reason="cell.code_unknown",
                    value=raw_codes.iat[i], expected="名单中的县级行政区划代码", affects=False)
            out.at[out.index[i], "is_valid"] = False
        elif not code and not city and raw_codes.isna().iat[i] and raw_cities.isna().iat[i]:
            ctx.add(ERROR, i, "code", "回避记录既没有县级代码也没有设区市，未生效", reason="row.recusal_scope",
                    expected="县级代码或设区市（整个市回避）", affects=False)
            out.at[out.index[i], "is_valid"] = False
    out["code"] = out["code"].fillna("")
    out["city"] = out["city"].fillna("")
    return out
