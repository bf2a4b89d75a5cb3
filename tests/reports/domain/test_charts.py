import xml.etree.ElementTree as ET

from amparo.reports.domain.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_bar_chart_draws_one_bar_per_value_longest_for_the_largest():
    svg = bar_chart([Bar("Lima", 120, "120"), Bar("Cusco", 36, "36")], title="Cases", ident="c1")
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 2
    assert float(bars[0].get("width")) > float(bars[1].get("width")) * 3
    assert root.find(f"{SVG}title").text == "Cases"
    assert "Lima: 120" in root.find(f"{SVG}desc").text


def test_a_hidden_value_is_an_empty_dashed_bar_labelled_with_the_callers_text():
    svg = bar_chart([Bar("Lima", 120, "120"), Bar("Puno", None, "hidden")], title="Cases", ident="c2")
    root = _parse(svg)
    hidden = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar hidden"]
    assert len(hidden) == 1 and hidden[0].get("fill") == "none"
    assert "hidden" in [t.text for t in root.iter(f"{SVG}text")]


def test_charts_use_no_style_attribute_or_element_so_the_csp_allows_them():
    svg = bar_chart([Bar("A&B <x>", 1, "1")], title="T", ident="c3") + line_chart(
        [Point("2010", 5, "5"), Point("2011", 7, "7")], title="T", ident="c4", format_tick=str
    )
    assert "style" not in svg
    assert "A&amp;B &lt;x&gt;" in svg


def test_a_line_chart_breaks_at_hidden_values_and_handles_no_data():
    svg = line_chart(
        [Point("2010", 5, "5"), Point("2011", None, "-"), Point("2012", 7, "7"), Point("2013", 9, "9")],
        title="Trend",
        ident="l1",
        format_tick=str,
    )
    root = _parse(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # 2012-2013; 2010 stands alone
    empty = _parse(line_chart([], title="Trend", ident="l2", format_tick=str, empty_text="No cases."))
    assert "No cases." in [t.text for t in empty.iter(f"{SVG}text")]
