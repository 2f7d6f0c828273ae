"""The benchmark's scorer: rows and cells exactly right against the expected rows."""
from pipeline.bench.pdf import score_tables

WANT = [[["序号", "事项名称"], ["1", "社保查询"], ["2", None]]]


def test_identical_tables_score_full_marks():
    assert score_tables(WANT, WANT) == (1.0, 1.0, 0)


def test_a_repeated_header_is_an_extra_row_and_a_cut_row_loses_its_cells():
    got = [[["序号", "事项名称"], ["1", "社保"]], [["序号", "事项名称"], ["", "查询"], ["2", None]]]
    rows, cells, extra = score_tables(got, WANT)
    assert (round(rows, 3), round(cells, 3), extra) == (0.667, 0.833, 3)


def test_an_empty_string_is_not_a_merged_cell():
    assert score_tables([[["序号", "事项名称"], ["1", "社保查询"], ["2", ""]]], WANT)[1] < 1.0
