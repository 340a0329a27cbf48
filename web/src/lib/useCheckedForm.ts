// A form whose fields are checked before sending: each problem becomes a sentence, the save's
// refusal too, and the button waits while the save runs (the pricing rule and promo code forms).
import { type FormEvent, useState } from "react";
import type { Checked } from "./pricingForms";

export function useCheckedForm<F, B>(initial: F, check: (fields: F) => Checked<B>, onSave: (body: B) => Promise<void>) {
  const [fields, setFields] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<F>) => setFields({ ...fields, ...change });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = check(fields);
    if (!checked.body) { setError(checked.problems.join(" ")); return; }
    setBusy(true);
    setError(null);
    try {
      await onSave(checked.body);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return { fields, set, error, busy, submit };
}
