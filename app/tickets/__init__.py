"""Tickets of booked seats, their signed QR codes, and check-in at the door."""
