"""The report's charts as small inline SVG, the same markup in the HTML page and in the PDF.

Hand-written rather than a plotting library: four chart shapes, no fonts or backends to
configure, and text stays text (searchable, copyable, Chinese rendered by the page's font).
"""
from markupsafe import Markup, escape

FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC',sans-serif\""
BLUE, GREEN, ORANGE, RED, GREY = "#3b6fb6", "#4e9a5b", "#e08a2c", "#c0392b", "#9aa1a9"
GRADE_COLOURS = {"A": "#2e7d32", "B": "#7cb342", "C": "#f9a825", "D": "#ef6c00", "E": "#c62828"}
HEAT = ("#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d")


def _svg(width, height, body, title):
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="11">'
                  f"<title>{escape(title)}</title>{body}</svg>")


def _text(x, y, label, anchor="start", size=11, colour="#333"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{colour}">{escape(label)}</text>')


def _rect(x, y, w, h, colour):
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'fill="{colour}"/>')


def trend_chart(trend):
    """Bars of received and closed per week, lines of 结案率 and 按期结案率 (right axis)."""
    width, height, left, right, top, bottom = 680, 260, 44, 48, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v["received"] for _, v in trend] + [v["closed"] for _, v in trend] + [1])
    slot = plot_w / len(trend)
    parts = [_axes(left, top, plot_w, plot_h, peak)]
    for n, (week, values) in enumerate(trend):
        x = left + n * slot
        for k, (key, colour) in enumerate((("received", BLUE), ("closed", GREEN))):
            h = plot_h * values[key] / peak
            parts.append(_rect(x + slot * (0.18 + 0.32 * k), top + plot_h - h, slot * 0.3, h,
                               colour))
        parts.append(_text(x + slot / 2, height - bottom + 16, f"W{week.number:02d}", "middle"))
    for key, colour in (("closure_rate", ORANGE), ("on_time_closure_rate", RED)):
        parts.append(_rate_line(trend, key, colour, left, top, slot, plot_h))
    parts.append(_legend([("上报数", BLUE), ("结案数", GREEN), ("结案率", ORANGE),
                          ("按期结案率", RED)], left, 14))
    return _svg(width, height, "".join(parts), "近8周趋势")


def _axes(left, top, plot_w, plot_h, peak):
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
             f'stroke="{GREY}"/>']
    for share in (0, 0.5, 1):
        y = top + plot_h * (1 - share)
        parts.append(_text(left - 6, y + 4, f"{round(peak * share):,}", "end", 10, GREY))
        parts.append(_text(left + plot_w + 6, y + 4, f"{int(share * 100)}%", "start", 10, GREY))
    return "".join(parts)


def _rate_line(trend, key, colour, left, top, slot, plot_h):
    points = [(left + (n + 0.5) * slot, top + plot_h * (1 - v[key]))
              for n, (_, v) in enumerate(trend) if v.get(key) is not None]
    if not points:
        return ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>'
                   for x, y in points)
    return f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>{dots}'


def _legend(items, x, y):
    parts = []
    for label, colour in items:
        parts.append(_rect(x, y - 9, 10, 10, colour) + _text(x + 14, y, label))
        x += 22 + 12 * len(label)
    return "".join(parts)


FUNNEL = (("received", "上报"), ("accepted", "立案"), ("cohort_handled", "处置"),
          ("cohort_closed", "结案"))


def funnel_chart(values):
    """The week's cases through the stages: reported, accepted, handled, closed."""
    width, row_h, label_w = 680, 34, 90
    top = values.get("received") or 0
    parts = []
    for n, (key, label) in enumerate(FUNNEL):
        count = values.get(key) or 0
        share = count / top if top else 0
        w = (width - 2 * label_w) * share
        y = 8 + n * row_h
        parts.append(_rect(width / 2 - w / 2, y, w, row_h - 8, BLUE if n % 2 == 0 else GREEN))
        parts.append(_text(label_w - 8, y + 17, label, "end", 13, "#111"))
        note = f"{count:,}" + (f"（{share * 100:.1f}%）" if top and n else "")
        parts.append(_text(width - label_w + 8, y + 17, note, "start", 12))
    return _svg(width, 8 + len(FUNNEL) * row_h, "".join(parts), "环节漏斗")


def ranking_chart(rows):
    """Units by composite score, best first, coloured by grade."""
    width, row_h, label_w = 680, 22, 170
    if not rows:
        return _svg(width, 30, _text(10, 20, "本周无回访，无法排名", colour=GREY), "部门排名")
    parts = []
    for n, row in enumerate(rows):
        score, grade = row.values["composite"], row.values["grade"]
        y = 4 + n * row_h
        w = (width - label_w - 70) * score / 100
        parts.append(_text(label_w - 8, y + 14, row.name, "end"))
        parts.append(_rect(label_w, y + 2, w, row_h - 6, GRADE_COLOURS.get(grade, GREY)))
        parts.append(_text(label_w + w + 6, y + 14, f"{score:.1f} {grade}"))
    return _svg(width, 8 + len(rows) * row_h, "".join(parts), "部门综合得分排名")


def hotspot_map(shapes, grid_rows, hot_rows, indicator="received"):
    """Grid polygons shaded by the week's reports; the busiest numbered by rank."""
    width = 680
    if shapes is None or not shapes.paths:
        return _svg(width, 30, _text(10, 20, "无网格图层", colour=GREY), "热点网格")
    counts = {r.code: r.values.get(indicator) or 0 for r in grid_rows}
    peak = max(list(counts.values()) + [1])
    x0, y0, x1, y1 = shapes.box
    k = shapes.x_scale
    box_w, box_h = (x1 - x0) * k, (y1 - y0)
    height = min(520, width * box_h / box_w) if box_w else 400
    parts = [f'<g transform="scale({width / box_w:.3f} {height / box_h:.3f}) '
             f'translate({-x0 * k:.6f} {y1:.6f}) scale({k:.6f} 1)">']
    for code, path in shapes.paths.items():
        colour = HEAT[_heat_level(counts[code], peak)] if counts.get(code) else "#ffffff"
        parts.append(f'<path d="{path}" fill="{colour}" stroke="#888" '
                     f'stroke-width="{box_h / 400:.6f}"><title>{escape(shapes.names[code])} '
                     f'{counts.get(code, 0)}</title></path>')
    parts.append("</g>")
    parts += _hot_labels(shapes, hot_rows, width / box_w, height / box_h, k)
    parts.append(_heat_legend(peak, height + 16))
    return _svg(width, round(height) + 26, "".join(parts), "热点网格分布")


def _heat_level(count, peak):
    """Return the shade of a grid with `count` reports: five equal bands up to the peak."""
    return min(len(HEAT) - 1, len(HEAT) * count // (peak + 1))


def _heat_legend(peak, y):
    """Label the shades with the counts they stand for, and say what the circles are."""
    bands = {}
    for count in range(1, peak + 1):
        bands.setdefault(_heat_level(count, peak), []).append(count)
    parts, x = [], 0
    for level, counts in sorted(bands.items()):
        label = f"{counts[0]}–{counts[-1]}" if len(counts) > 1 else str(counts[0])
        parts.append(f'<rect x="{x}" y="{y - 9:.1f}" width="12" height="10" '
                     f'fill="{HEAT[level]}" stroke="#888" stroke-width="0.5"/>'
                     + _text(x + 16, y, label, size=10))
        x += 30 + 7 * len(label)
    parts.append(_text(x + 10, y, "上报数；圆圈中的数字为热点网格名次", size=10, colour="#555"))
    return "".join(parts)


def _hot_labels(shapes, hot_rows, sx, sy, k):
    x0, _, _, y1 = shapes.box
    labels = []
    for rank, row in enumerate(hot_rows, start=1):
        if row.code in shapes.labels:
            lx, ly = shapes.labels[row.code]
            x, y = (lx * k - x0 * k) * sx, (ly + y1) * sy
            labels.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#fff" stroke="{RED}"/>'
                          + _text(x, y + 4, str(rank), "middle", 10, RED))
    return labels
