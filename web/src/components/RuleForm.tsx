// A pricing rule's form: the fields its kind needs, checked before sending (lib/pricingForms).
import { FORMATS, RULE_KINDS, type Rule, type RuleFields, WEEKDAY_NAMES, isTimeKind, ruleBody } from "@/lib/pricingForms";
import { useCheckedForm } from "@/lib/useCheckedForm";
import Notice from "./Notice";

type Props = {
  initial: RuleFields;
  editing: boolean;
  /** The cinema the rule belongs to; null for a rule of every cinema (admins). */
  cinemaId: number | null;
  onSave: (body: Rule) => Promise<void>;
  onCancel: () => void;
};

export default function RuleForm({ initial, editing, cinemaId, onSave, onCancel }: Props) {
  const { fields, set, error, busy, submit } = useCheckedForm(initial, (f) => ruleBody(f, cinemaId), onSave);

  return (
    <form className="form" onSubmit={submit} aria-label={editing ? "Edit the pricing rule" : "New pricing rule"} noValidate>
      <Notice error={error} />
      <label>Rule name <input value={fields.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} required /></label>
      <label>Kind{" "}
        <select value={fields.kind} onChange={(e) => set({ kind: e.target.value as RuleFields["kind"] })}>
          {RULE_KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
        </select>
      </label>
      <label>Multiplier <input value={fields.multiplier} onChange={(e) => set({ multiplier: e.target.value })} inputMode="decimal" placeholder="0.8" required /></label>
      {fields.kind === "format" && (
        <label>Format{" "}
          <select value={fields.format} onChange={(e) => set({ format: e.target.value })}>
            {FORMATS.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </label>
      )}
      {isTimeKind(fields.kind) && (
        <>
          <fieldset>
            <legend>Weekdays (none: every day)</legend>
            <div className="filters">
              {WEEKDAY_NAMES.map((name, day) => (
                <label key={name} className="check">
                  <input type="checkbox" checked={fields.weekdays.includes(day)}
                         onChange={(e) => set({ weekdays: e.target.checked ? [...fields.weekdays, day] : fields.weekdays.filter((d) => d !== day) })} />
                  {" "}{name}
                </label>
              ))}
            </div>
          </fieldset>
          <label>Shows starting from <input type="time" value={fields.startFrom} onChange={(e) => set({ startFrom: e.target.value })} /></label>
          <label>Shows starting before <input type="time" value={fields.startBefore} onChange={(e) => set({ startBefore: e.target.value })} /></label>
          <label>On public holidays{" "}
            <select value={fields.holidays} onChange={(e) => set({ holidays: e.target.value as RuleFields["holidays"] })}>
              <option value="either">Holidays or not</option>
              <option value="only">Only on holidays</option>
              <option value="never">Never on holidays</option>
            </select>
          </label>
        </>
      )}
      {fields.kind === "holiday" && (
        <label>Holiday dates <input value={fields.dates} onChange={(e) => set({ dates: e.target.value })} placeholder="2026-12-25, 2026-12-26" /></label>
      )}
      <label>Priority <input value={fields.priority} onChange={(e) => set({ priority: e.target.value })} inputMode="numeric" /></label>
      <label>Valid from (first day) <input type="date" value={fields.validFrom} onChange={(e) => set({ validFrom: e.target.value })} /></label>
      <label>Valid until (last day) <input type="date" value={fields.validUntil} onChange={(e) => set({ validUntil: e.target.value })} /></label>
      <label className="check"><input type="checkbox" checked={fields.active} onChange={(e) => set({ active: e.target.checked })} /> Active</label>
      <div className="actions">
        <button type="submit" disabled={busy}>{editing ? "Save the rule" : "Create the rule"}</button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
