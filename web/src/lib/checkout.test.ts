import { beforeEach, describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ POST: vi.fn(), GET: vi.fn() }));
vi.mock("@/api/client", () => ({ api: calls, serverSkew: () => 0 }));

import { type Refusal, bookAndPay, sellable } from "./checkout";

const booking = { id: 7, reference: "K7Q-4MZ", status: "pending_payment" };
const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) });

describe("bookAndPay", () => {
  beforeEach(() => {
    calls.POST.mockReset();
    calls.GET.mockReset();
  });

  it("finishes 3-D Secure with the client secret, then waits for the webhook's outcome", async () => {
    calls.POST
      .mockResolvedValueOnce(ok(booking))
      .mockResolvedValueOnce(ok({ id: 12, status: "requires_action", client_secret: "pi_1_secret_2" }));
    calls.GET.mockResolvedValueOnce(ok({ id: 12, status: "succeeded", amount_minor: 2000, currency: "GBP" }));
    const authenticate = vi.fn().mockResolvedValue(undefined);
    const paid = await bookAndPay("hold-1", "pm_123", undefined, authenticate);
    expect(authenticate).toHaveBeenCalledWith("pi_1_secret_2");
    expect(calls.POST.mock.calls[1][1].body).toEqual({ booking_id: 7, payment_method: "pm_123" });
    expect(paid.payment.status).toBe("succeeded");
    expect(paid.booking).toBe(booking);
  });

  it("keeps the booking when the bank refuses 3-D Secure, so another card can pay it", async () => {
    calls.POST.mockResolvedValueOnce(ok(booking)).mockResolvedValueOnce(ok({ id: 12, status: "requires_action", client_secret: "s" }));
    const refusal = await bookAndPay("hold-1", "pm_123", undefined, () => Promise.reject(new Error("We are unable to authenticate your payment method.")))
      .catch((e: Refusal & { booking?: unknown }) => e);
    expect((refusal as Refusal).message).toBe("We are unable to authenticate your payment method.");
    expect((refusal as { booking?: unknown }).booking).toBe(booking);
  });

  it("says a decline in a sentence and pays an earlier booking without booking again", async () => {
    calls.POST.mockResolvedValueOnce(ok({ id: 12, status: "failed", failure_code: "card_declined", failure_message: "Your card was declined" }));
    const refusal = await bookAndPay("hold-1", "pm_card_chargeDeclined", booking as never).catch((e: Refusal) => e);
    expect((refusal as Refusal).message).toBe("Your card was declined. Try another card.");
    expect(calls.POST).toHaveBeenCalledTimes(1);
  });
});

describe("ticket types", () => {
  it("offers the cinema's active types sold on the channel, in its order", () => {
    const type = (code: string, channels: ("online" | "box_office")[], active = true) =>
      ({ code, name: code.toUpperCase(), multiplier: "1", min_age: null, max_age: null, proof_required: null,
         tax_class_id: null, active, channels, sort_order: 0 });
    const types = [type("adult", ["online", "box_office"]), type("member", ["online"]),
      type("staff", ["box_office"]), type("retired", ["online"], false)];
    expect(sellable(types, "online").map((t) => t.code)).toEqual(["adult", "member"]);
    expect(sellable(types, "box_office")).toEqual([{ code: "adult", name: "ADULT" }, { code: "staff", name: "STAFF" }]);
  });
});
