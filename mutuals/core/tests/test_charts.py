"""Chart geometry (mutuals/core/charts.py) and the templates that draw it: Python places the
marks, the template writes them, escaping every text."""

from __future__ import annotations

from django.template.loader import render_to_string

from mutuals.core import charts


def test_columns_reach_the_top_from_the_baseline_and_thin_out_their_labels():
    points = [(str(2000 + n), n) for n in range(25)]
    chart = charts.columns("Per year", points, height=220)
    assert (chart.baseline, chart.top, chart.top_y) == (192, 24, 24)  # its number beside the top
    tallest = chart.groups[-1].rects[0]
    assert (tallest.y, tallest.height) == (20.0, 172.0)
    assert chart.groups[0].rects[0].height == 0
    # 25 labels would not fit: every second one is written.
    assert [g.label.text for g in chart.groups if g.label][:3] == ["2000", "2002", "2004"]


def test_paired_columns_and_share_bar_say_so_when_empty():
    assert charts.paired_columns("M", [("Jan", 0, 0)], ("a", "b"), empty="No messages.").empty
    assert charts.share_bar("S", [("a", 0)]).empty == "No data."
    share = charts.share_bar("S", [("both", 3), ("one", 1)])
    assert [(s.x, s.width) for s in share.segments] == [(0, 477.0), (477.0, 159.0)]
    assert [item.text for item in share.legend] == ["both (3)", "one (1)"]


def test_the_templates_escape_what_the_chart_says():
    chart = charts.columns("<script>x</script>", [("<b>", 1)])
    svg = render_to_string("charts/columns.html", {"chart": chart})
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;b&gt;: 1" in svg
    assert svg.count("<rect ") == 1
