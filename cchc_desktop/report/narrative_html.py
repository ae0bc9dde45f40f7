"""The report text as HTML, for the window's preview of a section (a QTextBrowser): the same
layout rules as the Word report (narrative.lines: paragraphs, bullets, blocks), values shaded
where placeholders put them, unknown placeholders in red, blocks as small tables and lists."""
from __future__ import annotations

import html
import re

from cchc_desktop.report import narrative

PLACEHOLDER_STYLE = "background-color:#dbeafe"  # light blue, as the editor shades placeholders
UNKNOWN_STYLE = "background-color:#fecaca;color:#b91c1c"


def _inline_html(text: str, data) -> str:
    values: list[str] = []

    def sub(m):
        name, fmt_name = m.group(1), m.group(2)
        if narrative.is_valid_placeholder(name, fmt_name, data):
            v = narrative.format_value(name, fmt_name, data)
            style = PLACEHOLDER_STYLE
        else:
            v = m.group(0)
            style = UNKNOWN_STYLE
        values.append(f'<span style="{style}">{html.escape(v)}</span>')
        return f"\x00{len(values) - 1}\x00"

    marked = narrative.PLACEHOLDER.sub(sub, text)
    pieces = marked.split("**")
    out = []
    for i, piece in enumerate(pieces):
        esc = html.escape(piece)
        esc = re.sub(r"\x00(\d+)\x00", lambda m: values[int(m.group(1))], esc)
        out.append(f"<b>{esc}</b>" if i % 2 == 1 else esc)
    return "".join(out)


def _block_html(name: str, data) -> str:
    if name == "bang.ho_so_linh_vuc":
        header, rows = narrative.field_table(data)
        cells = "".join(f'<th style="background-color:#eef2f7">{html.escape(h)}</th>' for h in header)
        body = []
        for r in rows:
            tds = "".join(
                f'<td align="{"left" if i == 1 else "right"}">{"<b>" if r[1] == "Cộng" else ""}'
                f'{html.escape(c)}{"</b>" if r[1] == "Cộng" else ""}</td>'
                for i, c in enumerate(r)
            )
            body.append(f"<tr>{tds}</tr>")
        return ('<table border="1" cellspacing="0" cellpadding="2" style="border-color:#9ca3af; '
                f'margin:4px 0 6px 0">{"<tr>" + cells + "</tr>"}{"".join(body)}</table>')
    if name == "bang.ho_so_nganh_doc":
        paras = [p for a in ("cong_an", "quan_su") for p in narrative.agency_lines(data, a)]
        return "".join(_para_html(p) for p in paras)
    if name == narrative.MERGER_BLOCK:
        return "".join(_para_html(p) for p in narrative.merger_paragraphs(data))
    return "".join(f"<p>{html.escape(line)}</p>" for line in narrative.block_lines(name, data))


def _para_html(p: narrative.Paragraph) -> str:
    text = "".join(f"<b>{html.escape(t)}</b>" if bold else html.escape(t) for t, bold in p.runs())
    bullet = html.escape(p.bullet)
    return f'<p style="margin:0 0 4px 0">{bullet}{text}</p>'


def preview_html(title: str, text: str, data) -> str:
    """The section as the export will write it (HTML for a QTextBrowser); values from
    placeholders are shaded, unknown placeholders red, blocks drawn as small tables/lists."""
    parts = []
    if title:
        parts.append(f'<p style="margin:0 0 6px 0"><b>{html.escape(title)}</b></p>')
    for x in narrative.lines(text):
        if isinstance(x, narrative.Block):
            parts.append(_block_html(x.name, data))
        else:
            parts.append(f'<p style="margin:0 0 4px 0">{html.escape(x.bullet)}{_inline_html(x.text, data)}</p>')
    if len(parts) <= (1 if title else 0):
        parts.append('<p style="color:#6b7280"><i>(Mục này chưa có nội dung.)</i></p>')
    return "".join(parts)
