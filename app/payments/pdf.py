"""The PDF of an invoice or credit note, drawn with reportlab from the figures frozen in its row."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.models import Invoice
from app.payments.money import format_money


def render_invoice_pdf(invoice: Invoice, booking_reference: str) -> bytes:
    styles = getSampleStyleSheet()
    seller = invoice.seller
    title = "Invoice" if invoice.kind == "invoice" else "Credit note"

    def money(minor: int) -> str:
        return format_money(minor, invoice.currency)

    address = ", ".join(part for part in (seller["address_line"], seller["postal_code"],
                                          seller["city"], seller["country"]) if part)
    story = [
        Paragraph(f"{title} {invoice.number}", styles["Title"]),
        Paragraph(f"<b>{escape(seller['name'])}</b>", styles["Normal"]),
        Paragraph(escape(address), styles["Normal"]),
        Paragraph(f"VAT number: {escape(seller['vat_number'] or 'n/a')}", styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph(f"Issued: {invoice.issued_at:%Y-%m-%d}", styles["Normal"]),
        Paragraph(f"Booking: {booking_reference}", styles["Normal"]),
    ]
    # Paragraph reads markup: names and e-mail addresses ("<a@b>") must be escaped.
    story += [Paragraph(escape(line), styles["Normal"]) for line in (invoice.notes or "").splitlines()]
    story.append(Spacer(1, 6 * mm))

    rows = [["Description", "Seat", "Category", "Ticket", "Amount"]]
    rows += [[line["description"], line.get("seat", ""), line.get("category", ""),
              line.get("ticket_type", ""), money(line["amount_minor"])] for line in invoice.lines]
    rate = Decimal(seller["tax_rate"]) * 100
    rows += [
        ["", "", "", "Net", money(invoice.total_minor - invoice.tax_minor)],
        ["", "", "", f"Tax {rate.normalize():f} %", money(invoice.tax_minor)],
        ["", "", "", "Total", money(invoice.total_minor)],
    ]
    table = Table(rows, colWidths=[70 * mm, 18 * mm, 25 * mm, 25 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -3), (-1, -3), 0.5, colors.black),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
    ]))
    story += [table, Spacer(1, 6 * mm),
              Paragraph("Prices include tax at the rate shown.", styles["Italic"])]

    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {invoice.number}",
                      author=seller["name"], invariant=1).build(story)
    return buffer.getvalue()
