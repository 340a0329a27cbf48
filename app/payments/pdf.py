"""The PDF of an invoice or credit note, drawn with reportlab from the figures frozen in its row.

Every cell of the lines table is a Paragraph in a column of known width, so text wraps inside
its own column and never runs over the next one (a long film title used to print over the
seat). The short columns (seat, category, ticket, amount) take the width of their widest
entry, up to a cap; the description takes what is left of the page's frame.
"""

from __future__ import annotations

import math
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.models import Invoice
from app.payments.money import format_money

MARGIN = 18 * mm
CELL_PADDING = 6  # reportlab's default left and right padding of a table cell, in points
SHORT_COLUMN_CAP = 1 / 6  # of the frame: beyond it a short column wraps too, the description keeps room
HEADINGS = ("Description", "Seat", "Category", "Ticket", "Amount")

_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11)
_STYLES = {
    (bold, right): ParagraphStyle(f"cell-{bold}-{right}", parent=_CELL,
                                  fontName="Helvetica-Bold" if bold else "Helvetica",
                                  alignment=TA_RIGHT if right else _CELL.alignment)
    for bold in (False, True) for right in (False, True)
}


def render_invoice_pdf(invoice: Invoice, booking_reference: str) -> bytes:
    styles = getSampleStyleSheet()
    seller = invoice.seller
    title = "Invoice" if invoice.kind == "invoice" else "Credit note"
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {invoice.number}",
                                 author=seller["name"], invariant=1, leftMargin=MARGIN,
                                 rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)

    address = ", ".join(part for part in (seller["address_line"], seller["postal_code"],
                                          seller["city"], seller["country"]) if part)
    # Paragraph reads markup: names and e-mail addresses ("<a@b>") must be escaped.
    story = [
        Paragraph(escape(f"{title} {invoice.number}"), styles["Title"]),
        Paragraph(f"<b>{escape(seller['name'])}</b>", styles["Normal"]),
        Paragraph(escape(address), styles["Normal"]),
        Paragraph(escape(f"VAT number: {seller['vat_number'] or 'n/a'}"), styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph(f"Issued: {invoice.issued_at:%Y-%m-%d}", styles["Normal"]),
        Paragraph(escape(f"Booking: {booking_reference}"), styles["Normal"]),
    ]
    story += [Paragraph(escape(line), styles["Normal"]) for line in (invoice.notes or "").splitlines()]
    story += [Spacer(1, 6 * mm), _lines_table(invoice, document.width), Spacer(1, 6 * mm),
              Paragraph("Prices include tax at the rates shown.", styles["Italic"])]
    document.build(story)
    return buffer.getvalue()


def _lines_table(invoice: Invoice, width: float) -> Table:
    """One row per line, then net, tax and total, each label spanning the text columns."""
    def money(minor: int) -> str:
        return format_money(minor, invoice.currency)

    lines = [[line["description"], line.get("seat") or "", line.get("category") or "",
              line.get("ticket_type") or "", money(line["amount_minor"])] for line in invoice.lines]
    # One tax row per rate (documents issued before rates per line: the seller's one rate).
    taxes = invoice.taxes or [{"rate": invoice.seller["tax_rate"], "tax_minor": invoice.tax_minor}]
    totals = [("Net", money(invoice.total_minor - invoice.tax_minor)),
              *((f"Tax {(Decimal(tax['rate']) * 100).normalize():f} %", money(tax["tax_minor"]))
                for tax in taxes),
              ("Total", money(invoice.total_minor))]
    widths = _column_widths([list(HEADINGS), *lines], [amount for _, amount in totals], width)

    rows = [[_cell(text, bold=True, right=column == 4) for column, text in enumerate(HEADINGS)]]
    rows += [[_cell(text, right=column == 4) for column, text in enumerate(line)] for line in lines]
    for index, (label, amount) in enumerate(totals):
        last = index == len(totals) - 1
        rows.append([_cell(label, bold=last, right=True), "", "", "", _cell(amount, bold=last, right=True)])

    first_total = len(rows) - len(totals)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, first_total), (-1, first_total), 0.5, colors.black),
        *[("SPAN", (0, row), (3, row)) for row in range(first_total, len(rows))],
    ]))
    return table


def _column_widths(rows: list[list[str]], total_amounts: list[str], width: float) -> list[int]:
    """The short columns as wide as their widest entry (measured in bold, the widest face
    used), at most ``SHORT_COLUMN_CAP`` of the frame; the description gets the rest.

    Whole points only: the table reckons a row's height with the column widths but draws each
    cell between column positions (sums of those widths); with fractional widths the two can
    differ by a rounding error, and a line that just fitted wraps when drawn, over the next row.
    """
    width = math.floor(width)

    def needed(texts) -> int:
        natural = max(stringWidth(text, "Helvetica-Bold", _CELL.fontSize) for text in texts)
        return math.ceil(min(natural + 2 * CELL_PADDING, width * SHORT_COLUMN_CAP))

    short = [needed([row[column] for row in rows]) for column in (1, 2, 3)]
    short.append(needed([row[4] for row in rows] + total_amounts))
    return [width - sum(short), *short]


def _cell(text: str, *, bold: bool = False, right: bool = False) -> Paragraph:
    # splitLongWords (on by default) breaks a word wider than its column rather than let it out.
    return Paragraph(escape(text), _STYLES[bold, right])
