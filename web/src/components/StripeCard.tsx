// The card field when Stripe takes the payments: Stripe's Payment Element collects the card in
// Stripe's own frame, Stripe.js turns it into a PaymentMethod whose id the API charges, and
// finishes 3-D Secure when the API answers requires_action. Loaded (with Stripe.js from
// js.stripe.com) only when the API names Stripe and its publishable key: never in the sandbox.
import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";
import { useMemo, useState } from "react";
import type { Authenticate } from "@/lib/checkout";

type Props = {
  publishableKey: string;
  amountMinor: number;
  currency: string;
  busy: boolean;
  onPay: (paymentMethodId: string, authenticate: Authenticate) => Promise<void>;
  onError: (sentence: string) => void;
};

export default function StripeCard({ publishableKey, amountMinor, currency, ...rest }: Props) {
  const stripe = useMemo(() => loadStripe(publishableKey), [publishableKey]);
  // The server creates and confirms the PaymentIntent (card only): the Element only collects.
  const options = { mode: "payment" as const, amount: amountMinor, currency: currency.toLowerCase(),
    paymentMethodCreation: "manual" as const, paymentMethodTypes: ["card"] };
  return (
    <Elements stripe={stripe} options={options}>
      <CardForm {...rest} />
    </Elements>
  );
}

function CardForm({ busy, onPay, onError }: Pick<Props, "busy" | "onPay" | "onError">) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);

  async function pay() {
    if (!stripe || !elements) return;
    const submitted = await elements.submit();
    if (submitted.error) { onError(submitted.error.message ?? "Check the card details."); return; }
    const created = await stripe.createPaymentMethod({ elements });
    if (created.error || !created.paymentMethod) { onError(created.error?.message ?? "The card could not be read. Please try again."); return; }
    await onPay(created.paymentMethod.id, async (clientSecret) => {
      const { error } = await stripe.handleNextAction({ clientSecret });
      if (error) throw new Error(error.message ?? "Your bank did not confirm the payment.");
    });
  }

  return (
    <>
      <fieldset>
        <legend>Card details</legend>
        <PaymentElement onReady={() => setReady(true)} />
      </fieldset>
      <div className="actions">
        <button type="button" onClick={pay} disabled={busy || !ready}>Pay now</button>
      </div>
    </>
  );
}
