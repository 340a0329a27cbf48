"""A local stand-in for the Stripe API: answers the endpoints CinemaOS calls, records every
request, and honours idempotency keys like Stripe (same key -> same answer, no new object).

Point the real SDK at it (``STRIPE_API_BASE`` -> ``StripeClient(base_addresses=...)``) to see
exactly what goes over the wire: amounts, currency, metadata, idempotency keys.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined", "insufficient_funds", "Your card has insufficient funds."),
}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class StripeStub:
    requests: list[RecordedRequest] = field(default_factory=list)
    _replies: dict[str, tuple[int, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                status, body = stub.answer(RecordedRequest(
                    "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, form))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_stub_{next(stub._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def answer(self, request: RecordedRequest) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(request)
            key = request.headers.get("idempotency-key")
            if key in self._replies:
                return self._replies[key]
            if request.path == "/v1/payment_intents":
                reply = self._payment_intent(request.form)
            elif request.path == "/v1/refunds":
                reply = self._refund(request.form)
            else:
                reply = (404, {"error": {"type": "invalid_request_error",
                                         "message": f"Unrecognized request URL {request.path}"}})
            if key:
                self._replies[key] = reply
            return reply

    def _payment_intent(self, form: dict[str, str]) -> tuple[int, dict]:
        intent = {
            "id": f"pi_stub_{next(self._ids)}", "object": "payment_intent",
            "amount": int(form["amount"]), "currency": form["currency"],
            "payment_method": form["payment_method"],
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "status": "succeeded",
        }
        intent["client_secret"] = f"{intent['id']}_secret_stub"
        method = form["payment_method"]
        if method in DECLINES:
            code, decline_code, message = DECLINES[method]
            intent["status"] = "requires_payment_method"
            return 402, {"error": {"type": "card_error", "code": code, "decline_code": decline_code,
                                   "message": message, "payment_intent": intent}}
        if method == "pm_card_authenticationRequired":
            intent["status"] = "requires_action"
        return 200, intent

    def _refund(self, form: dict[str, str]) -> tuple[int, dict]:
        return 200, {
            "id": f"re_stub_{next(self._ids)}", "object": "refund", "status": "succeeded",
            "amount": int(form["amount"]), "payment_intent": form["payment_intent"],
            "currency": "gbp",
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
        }
