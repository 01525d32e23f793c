"""The server-drawn SVG charts: well-formed, described, escaped, calm about empty data."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from advocato.lib import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"


def parse(svg):
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    labelledby = root.get("aria-labelledby")
    assert labelledby is not None
    title_id, desc_id = labelledby.split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id
    assert desc is not None and desc.get("id") == desc_id
    return root


def texts(root):
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def every_chart(label, value, *, empty=False):
    rows = [] if empty else [(label, value), ("B", value)]
    labels = [] if empty else [label, "B"]
    values = [] if empty else [value, value]
    return {
        "bars": charts.bars(labels, values, title=label, desc=label),
        "lines": charts.lines(labels, [] if empty else [(label, values)], title=label, desc=label),
        "hbars": charts.hbars(rows, title=label, desc=label, target=None if empty else value),
        "heatmap": charts.heatmap(
            [] if empty else [[value] * 24 for _ in range(7)],
            row_labels=[] if empty else [label] * 7,
            title=label,
            desc=label,
        ),
        "gauge": charts.gauge_row(None if empty else value, None if empty else value, title=label),
    }


@pytest.mark.parametrize("name", ["bars", "lines", "hbars", "heatmap", "gauge"])
def test_chart_is_accessible_xml_with_title_and_description(name):
    root = parse(every_chart("Shares per week", 3)[name])
    assert root.find(f"{SVG}title").text == "Shares per week"
    assert root.find(f"{SVG}desc").text.startswith("Shares per week")


def test_description_says_the_numbers_when_the_caller_gives_none():
    root = parse(charts.bars(["Mon", "Tue"], [3, 1234], title="Shares"))
    assert root.find(f"{SVG}desc").text == "Mon: 3; Tue: 1,234"


@pytest.mark.parametrize("name", ["bars", "lines", "hbars", "heatmap", "gauge"])
def test_hostile_label_is_text_not_markup(name):
    svg = str(every_chart(HOSTILE, 2)[name])
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE


@pytest.mark.parametrize("name", ["bars", "lines", "hbars", "heatmap", "gauge"])
def test_empty_data_draws_an_empty_chart(name):
    parse(every_chart("Nothing yet", 0, empty=True)[name])


@pytest.mark.parametrize("name", ["bars", "lines", "hbars", "heatmap", "gauge"])
def test_all_zero_data_does_not_divide_by_zero(name):
    root = parse(every_chart("Zero", 0)[name])
    assert "nan" not in ET.tostring(root, encoding="unicode").lower()


def test_bars_show_values_and_thin_out_many_labels():
    labels = [f"Week {n}" for n in range(1, 53)]
    root = parse(charts.bars(labels, list(range(52)), title="Shares", highlight=51))
    shown = [t for t in texts(root) if t.startswith("Week")]
    assert 3 <= len(shown) < 52
    highlighted = [r for r in root.iter(f"{SVG}rect") if "chart-highlight" in r.get("class", "")]
    assert len(highlighted) == 1
    assert "51" in texts(root)  # the highlighted bar keeps its value label


def test_bars_value_labels_where_there_is_room():
    root = parse(charts.bars(["Mon", "Tue", "Wed"], [3, 12, 7], title="Shares"))
    assert {"3", "12", "7"} <= set(texts(root))


def test_lines_leave_a_gap_for_missing_values_and_have_a_legend():
    root = parse(
        charts.lines(
            ["w1", "w2", "w3", "w4", "w5"],
            [("Participation", [0.1, 0.2, None, 0.3, 0.25]), ("Clicks", [0.5] * 5)],
            title="Trend",
            percent=True,
        )
    )
    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 3  # two pieces around the gap, one whole line
    assert {"Participation", "Clicks"} <= set(texts(root))


def test_hbars_draw_a_target_marker():
    root = parse(
        charts.hbars(
            [("Sales", 0.42), ("Engineering", 0.1)],
            title="Participation",
            percent=True,
            target=0.3,
            target_label="Target",
        )
    )
    assert any("chart-target" in (line.get("class") or "") for line in root.iter(f"{SVG}line"))
    assert "Target 30%" in texts(root)
    assert {"Sales", "Engineering", "42%", "10%"} <= set(texts(root))


def test_heatmap_outlines_the_best_cell_and_labels_hours():
    cells: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    cells[1][8] = 0.05
    cells[3][14] = 0.01
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    root = parse(charts.heatmap(cells, row_labels=days, title="Best time", best=(1, 8)))
    best = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-best"]
    assert len(best) == 1
    cell = next(
        r for r in root.iter(f"{SVG}rect") if r.findtext(f"{SVG}title", "").startswith("Tue 08:")
    )
    assert float(best[0].get("x")) == pytest.approx(float(cell.get("x")) - 1, abs=0.1)
    assert float(best[0].get("y")) == pytest.approx(float(cell.get("y")) - 1, abs=0.1)
    assert [t for t in texts(root) if t.isdigit()] == [str(h) for h in range(0, 24, 3)]
    assert "Tue 08:00: 5%" in root.find(f"{SVG}desc").text
    empty = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-empty"]
    assert len(empty) == 7 * 24 - 2


def test_heatmap_ignores_a_best_cell_outside_the_grid():
    root = parse(charts.heatmap([[0.1] * 24] * 7, row_labels=["d"] * 7, title="t", best=(9, 30)))
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-best"]


def test_gauge_shows_value_target_and_share_of_target():
    root = parse(charts.gauge_row(1234, 1500, title="Shares"))
    assert "1,234 / 1,500 · 82%" in texts(root)
    reached = parse(charts.gauge_row(0.32, 0.3, title="Participation", percent=True))
    assert "32% / 30% · 107%" in texts(reached)
    assert any("chart-reached" in (r.get("class") or "") for r in reached.iter(f"{SVG}rect"))


def test_numbers_follow_the_language():
    with translation.override("da"):
        root = parse(charts.bars(["a"], [1234], title="t"))
        assert "1.234" in texts(root)
        assert charts.format_percent(0.125) == "12,5\u00a0%"
        assert charts.format_number(1234567) == "1.234.567"
    with translation.override("en"):
        assert charts.format_percent(0.125) == "12.5%"
        assert charts.format_percent(None) == "–"
        assert charts.format_number(1234.5, 1) == "1,234.5"


def test_percent_axis_and_values():
    root = parse(charts.bars(["a", "b"], [0.25, 0.5], title="t", percent=True))
    assert {"25%", "50%"} <= set(texts(root))


def test_not_a_number_is_a_gap_not_a_crash():
    root = parse(charts.bars(["a", "b"], [float("nan"), float("inf")], title="t"))
    assert "nan" not in ET.tostring(root, encoding="unicode").lower()
