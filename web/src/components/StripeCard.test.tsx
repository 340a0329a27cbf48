import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

// Stripe's libraries stand in here: nothing is fetched from Stripe in a unit test.
const stripe = vi.hoisted(() => ({
  createPaymentMethod: vi.fn(),
  handleNextAction: vi.fn(),
  loadStripe: vi.fn(),
  elementsOptions: undefined as unknown,
  elements: { submit: vi.fn() },
}));
vi.mock("@stripe/stripe-js/pure", () => ({ loadStripe: stripe.loadStripe }));
vi.mock("@stripe/react-stripe-js", () => ({
  Elements: ({ options, children }: { options: unknown; children: ReactNode }) => {
    stripe.elementsOptions = options;
    return <>{children}</>;
  },
  PaymentElement: ({ onReady }: { onReady: () => void }) => {
    setTimeout(onReady, 0);
    return <div>card field</div>;
  },
  useStripe: () => stripe,
  useElements: () => stripe.elements,
}));

import StripeCard from "./StripeCard";

afterEach(cleanup);

async function renderCard(onPay = vi.fn().mockResolvedValue(undefined), onError = vi.fn()) {
  render(<StripeCard publishableKey="pk_test_1" amountMinor={2000} currency="GBP" busy={false} onPay={onPay} onError={onError} />);
  await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
  return { onPay, onError };
}

describe("StripeCard", () => {
  it("loads Stripe.js with the publishable key for a card-only payment of the hold's amount", async () => {
    await renderCard();
    expect(stripe.loadStripe).toHaveBeenCalledWith("pk_test_1");
    expect(stripe.elementsOptions).toEqual({ mode: "payment", amount: 2000, currency: "gbp", paymentMethodCreation: "manual", paymentMethodTypes: ["card"] });
  });

  it("sends the PaymentMethod's id and finishes 3-D Secure with Stripe.js", async () => {
    stripe.elements.submit.mockResolvedValue({});
    stripe.createPaymentMethod.mockResolvedValue({ paymentMethod: { id: "pm_from_element" } });
    stripe.handleNextAction.mockResolvedValue({});
    const { onPay } = await renderCard();
    await act(async () => { fireEvent.click(screen.getByRole("button", { name: "Pay now" })); });
    expect(onPay).toHaveBeenCalledWith("pm_from_element", expect.any(Function));
    await onPay.mock.calls[0][1]("pi_secret");
    expect(stripe.handleNextAction).toHaveBeenCalledWith({ clientSecret: "pi_secret" });
    stripe.handleNextAction.mockResolvedValue({ error: { message: "We are unable to authenticate your payment method." } });
    await expect(onPay.mock.calls[0][1]("pi_secret")).rejects.toThrow("We are unable to authenticate");
  });

  it("says what Stripe found wrong with the card, and sends nothing", async () => {
    stripe.elements.submit.mockResolvedValue({ error: { message: "Your card number is incomplete." } });
    const { onPay, onError } = await renderCard();
    await act(async () => { fireEvent.click(screen.getByRole("button", { name: "Pay now" })); });
    expect(onError).toHaveBeenCalledWith("Your card number is incomplete.");
    expect(onPay).not.toHaveBeenCalled();
  });
});
