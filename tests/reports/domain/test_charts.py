import xml.etree.ElementTree as ET

import pytest

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


def test_a_hidden_value_is_a_short_dashed_stub_labelled_with_the_callers_text():
    """A hidden count is small and unknown: never drawn as long as the longest bar, nor as long as a count
    of 5 is where the largest is 40."""
    svg = bar_chart([Bar("Lima", 40, "40"), Bar("Ica", 5, "5"), Bar("Puno", None, "hidden")], title="Cases", ident="c2")
    root = _parse(svg)
    bars = {r.get("class"): r for r in root.iter(f"{SVG}rect")}
    hidden, shown = bars["bar hidden"], [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert hidden.get("fill") == "none" and hidden.get("stroke-dasharray")
    assert float(hidden.get("width")) < float(shown[1].get("width")) < float(shown[0].get("width"))
    label = next(t for t in root.iter(f"{SVG}text") if t.text == "hidden")
    assert float(label.get("x")) == pytest.approx(float(hidden.get("x")) + float(hidden.get("width")) + 6)


def _room(svg: str) -> list[tuple[str, float, float, float]]:
    """(text, left, right, chart width) of every text, with its estimated extent."""
    from amparo.reports.domain.svg_text import text_width

    root = _parse(svg)
    width = float(root.get("width"))
    found = []
    for text in root.iter(f"{SVG}text"):
        words = "".join(text.itertext()) if text.find(f"{SVG}title") is None else text.text or text[0].tail
        size, bold = float(text.get("font-size")), text.get("font-weight") == "600"
        extent = text_width(words, size, bold)
        x = float(text.get("x"))
        left = {"end": x - extent, "middle": x - extent / 2}.get(text.get("text-anchor"), x)
        found.append((words, left, left + extent, width))
    return found


def test_long_titles_wrap_and_long_labels_are_shortened_within_the_chart():
    title = "Porcentaje de casos facilitados por familiares, por departamento y por año de registro"
    long_label = "Línea de denuncias contra la trata de personas y el tráfico ilícito de migrantes (sintético)"
    svg = bar_chart([Bar(long_label, 174, "174 (12 %)"), Bar("Policía", 651, "651 (43 %)")], title=title, ident="c5")
    assert all(left >= 0 and right <= width for _text, left, right, width in _room(svg)), _room(svg)
    root = _parse(svg)
    titles = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "title"]
    assert len(titles) > 1 and " ".join(titles) == title
    shortened = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert shortened.find(f"{SVG}title").text == long_label and shortened[0].tail.endswith("…")
    assert long_label in root.find(f"{SVG}desc").text
    trend = line_chart([Point("2010", 1500, "1.500")], title=title, ident="l3", format_tick=lambda v: f"{v:,.0f} casos")
    assert all(left >= 0 and right <= width for _text, left, right, width in _room(trend)), _room(trend)


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
