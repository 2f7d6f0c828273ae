"""Speed-up time limits: reading the printed text and comparing local promise with provincial target."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.diff.time_limits import compare_limits, parse_limit


@pytest.mark.parametrize("text, state, worst", [
    ("15个工作日", "numeric", (15.0, "workday")),
    ("提速后15个工作日内办结。", "numeric", (15.0, "workday")),
    ("自受理失业人员领取失业保险金申请之日起10日内，对申领者的资格进行审核认定。", "numeric", (10.0, "day")),
    ("自企业申请到审核通过，最长不得超过3个月", "numeric", (3.0, "month")),
    ("即时办结", "numeric", (0.0, "minute")),
    ("立等可取", "numeric", (0.0, "minute")),
    ("30分钟", "numeric", (30.0, "minute")),
    ("批量制发30个工作日；5月底全面实现零星制发卡群众补换卡“立等可取”", "numeric", (30.0, "workday")),
    ("十五个工作日", "numeric", (15.0, "workday")),
    ("无", "none", None),
    ("未提速", "not_sped_up", None),
    ("未办理", "not_handled", None),
    ("各地结合实际制定提速目标", "local_decision", None),
    ("由社保股受理工伤认定申请，按规定向上级部门提交相关申请材料。", "unparsed", None),
    ("", "empty", None),
], ids=["workdays", "workdays in prose", "calendar days", "months", "instant", "ready while you wait",
        "minutes", "worst part counts, 5月底 is a date", "chinese numeral", "none", "not sped up", "not handled",
        "left to each place", "prose without a number", "empty"])
def test_parse_limit(text, state, worst):
    limit = parse_limit(text)
    assert (limit.state, limit.worst) == (state, worst)


@pytest.mark.parametrize("local, baseline, verdict", [
    ("20个工作日", "15个工作日", "slower"),
    ("15个工作日", "15个工作日", "not_slower"),
    ("即时办结", "15个工作日", "not_slower"),
    ("未提速", "3个工作日", "no_promise"),
    ("未办理", "3个工作日", "no_promise"),
    ("5个工作日", "各地结合实际制定提速目标", "no_target"),
    ("2个月", "15个工作日", "slower"),
    ("20个工作日", "现场办理不超过1个月。", "not_comparable"),
    ("10日", "15个工作日", "not_slower"),
    ("由社保股受理", "3个工作日", "not_comparable"),
], ids=["slower", "equal", "instant is faster", "not sped up", "not handled", "no numeric target",
        "months surely slower than workdays", "workdays vs a month overlap", "days within workdays",
        "unreadable local text"])
def test_compare_limits(local, baseline, verdict):
    assert compare_limits(parse_limit(local), parse_limit(baseline)) == verdict


@given(st.text(max_size=60))
def test_parse_never_raises(text):
    limit = parse_limit(text)
    assert limit.state in ("numeric", "none", "not_sped_up", "not_handled", "local_decision", "unparsed", "empty")
