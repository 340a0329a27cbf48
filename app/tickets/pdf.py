"""The printable tickets of a booking: one block per seat with its QR, drawn with reportlab (the
library of the invoices, whose QR widget encodes the same code as the SVG of the booking page)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.extensions import db
from app.models import Booking, Cinema
from app.tickets.tickets import Ticket

QR_SIDE = 42 * mm


def _qr(code: str) -> Drawing:
    widget = QrCodeWidget(code, barLevel="M", barBorder=2)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[QR_SIDE / (right - left), 0, 0,
                                                   QR_SIDE / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def render_tickets_pdf(booking: Booking, tickets: list[Ticket]) -> bytes:
    styles = getSampleStyleSheet()
    showtime = booking.showtime
    cinema = db.session.get(Cinema, showtime.cinema_id)
    starts = showtime.starts_at.astimezone(ZoneInfo(cinema.timezone))
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"Tickets {booking.reference}",
                                 author=cinema.name, invariant=1)
    story = [Paragraph(escape(f"Tickets {booking.reference}"), styles["Title"])]
    for ticket in tickets:
        lines = [
            f"<b>{escape(showtime.movie.title)}</b>",
            escape(f"{cinema.name}, {showtime.screen.name}"),
            escape(f"{starts:%A %d %B %Y, %H:%M} ({cinema.timezone})"),
            escape(f"Seat {ticket.seat} ({ticket.category}), {ticket.ticket_type}"),
            escape(f"Booking {booking.reference}, ticket {ticket.id}: {ticket.status}"),
            f"<font face='Courier' size='7'>{escape(ticket.code)}</font>",
        ]
        text = [Paragraph(line, styles["Normal"]) for line in lines]
        block = Table([[_qr(ticket.code), text]], colWidths=[QR_SIDE + 6 * mm, None])
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]))
        story += [KeepTogether([block]), Spacer(1, 6 * mm)]
    document.build(story)
    return buffer.getvalue()
