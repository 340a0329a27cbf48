// A promo code's form, checked before sending (lib/pricingForms); the code itself is fixed once made.
import { type Promo, type PromoFields, promoBody } from "@/lib/pricingForms";
import { useCheckedForm } from "@/lib/useCheckedForm";
import Notice from "./Notice";

type Props = {
  initial: PromoFields;
  editing?: Promo;
  cinemaId: number;
  currency: string;
  onSave: (body: Promo) => Promise<void>;
  onCancel: () => void;
};

export default function PromoForm({ initial, editing, cinemaId, currency, onSave, onCancel }: Props) {
  const { fields, set, error, busy, submit } = useCheckedForm(initial, (f) => promoBody(f, cinemaId, currency, editing), onSave);

  return (
    <form className="form" onSubmit={submit} aria-label={editing ? `Edit promo code ${editing.code}` : "New promo code"} noValidate>
      <Notice error={error} />
      <label>Code <input value={fields.code} onChange={(e) => set({ code: e.target.value })} readOnly={!!editing} autoComplete="off" required /></label>
      <label>Description <input value={fields.description} onChange={(e) => set({ description: e.target.value })} maxLength={200} /></label>
      <label>Discount{" "}
        <select value={fields.kind} onChange={(e) => set({ kind: e.target.value as PromoFields["kind"] })}>
          <option value="percent">A percentage off</option>
          <option value="fixed">An amount off ({currency})</option>
        </select>
      </label>
      <label>{fields.kind === "percent" ? "Percent off" : `Amount off (${currency})`}{" "}
        <input value={fields.value} onChange={(e) => set({ value: e.target.value })} inputMode="decimal" required />
      </label>
      <label>Applies{" "}
        <select value={fields.scope} onChange={(e) => set({ scope: e.target.value as PromoFields["scope"] })}>
          <option value="basket">Once per booking</option>
          <option value="ticket">On every ticket</option>
        </select>
      </label>
      <label>Valid from (first day) <input type="date" value={fields.validFrom} onChange={(e) => set({ validFrom: e.target.value })} /></label>
      <label>Valid until (last day) <input type="date" value={fields.validUntil} onChange={(e) => set({ validUntil: e.target.value })} /></label>
      <label>Uses in all (empty: unlimited) <input value={fields.maxUses} onChange={(e) => set({ maxUses: e.target.value })} inputMode="numeric" /></label>
      <label>Uses per customer (empty: unlimited) <input value={fields.maxUsesPerCustomer} onChange={(e) => set({ maxUsesPerCustomer: e.target.value })} inputMode="numeric" /></label>
      <label>Fewest tickets in the booking <input value={fields.minTickets} onChange={(e) => set({ minTickets: e.target.value })} inputMode="numeric" /></label>
      <label className="check"><input type="checkbox" checked={fields.combinable} onChange={(e) => set({ combinable: e.target.checked })} /> May be combined with other offers</label>
      <label className="check"><input type="checkbox" checked={fields.active} onChange={(e) => set({ active: e.target.checked })} /> Active</label>
      <div className="actions">
        <button type="submit" disabled={busy}>{editing ? "Save the code" : "Create the code"}</button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
