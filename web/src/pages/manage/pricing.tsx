// The manager's prices at one cinema: its seat prices (the cinema's and its screens' own), its
// pricing rules (with the rules for every cinema, which only admins change) and its promo codes.
import { useCallback, useEffect, useState } from "react";
import CinemaSelect, { useChosenCinema } from "@/components/CinemaSelect";
import Notice from "@/components/Notice";
import PromoForm from "@/components/PromoForm";
import RuleForm from "@/components/RuleForm";
import SeatPricesForm from "@/components/SeatPricesForm";
import { dateTimeOf } from "@/lib/dates";
import { formatMoney } from "@/lib/money";
import { type Editing, deletePromo, deleteRule, listPromos, listRules, openPromo, openRule, savePromo, saveRule } from "@/lib/pricing";
import { NEW_PROMO, NEW_RULE, type Promo, RULE_KINDS, type Rule, promoFields, ruleConditionsText, ruleFields } from "@/lib/pricingForms";
import { isManager, useSession } from "@/lib/session";

type Open<T> = { editing?: Editing<T> } | null;

function validity(from: string | null | undefined, until: string | null | undefined): string {
  if (!from && !until) return "Always";
  return [from && `from ${dateTimeOf(from)}`, until && `until ${dateTimeOf(until)}`].filter(Boolean).join(" ");
}

export default function PricingPage() {
  const session = useSession();
  const chosen = useChosenCinema();
  const { cinemaId } = chosen;
  const currency = chosen.allowed?.find((c) => c.id === cinemaId)?.currency ?? "EUR";
  const [rules, setRules] = useState<Rule[]>();
  const [promos, setPromos] = useState<Promo[]>();
  const [rule, setRule] = useState<Open<Rule>>(null);
  const [promo, setPromo] = useState<Open<Promo>>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const manager = isManager(session);
  const admin = session?.user.role === "admin";

  const load = useCallback(async () => {
    if (!cinemaId || !manager) return;
    try {
      const [r, p] = await Promise.all([listRules(cinemaId), listPromos()]);
      setRules(r);
      setPromos(p.filter((code) => !code.cinema_ids?.length || code.cinema_ids.includes(cinemaId)));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [cinemaId, manager]);
  useEffect(() => { load(); }, [load]);

  async function act(work: () => Promise<string>) {
    setError(null);
    setMessage(null);
    try {
      setMessage(await work());
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const edit = <T,>(open: (id: number) => Promise<Editing<T>>, show: (o: Open<T>) => void, id: number) =>
    act(async () => { show({ editing: await open(id) }); return ""; });

  if (!manager) return <><h1>Pricing</h1><p>Log in as a manager or an administrator to manage prices.</p></>;
  const kindLabel = new Map(RULE_KINDS.map((k) => [k.kind, k.label]));

  return (
    <>
      <h1>Pricing</h1>
      <div className="filters"><CinemaSelect {...chosen} /></div>
      <Notice error={error} message={message} />

      {cinemaId && (
        <section className="panel" aria-labelledby="seat-prices">
          <h2 id="seat-prices">Seat prices</h2>
          <p className="muted">A screen&apos;s own price replaces the cinema&apos;s there; leave its cell empty to sell at the cinema&apos;s.</p>
          <SeatPricesForm cinemaId={cinemaId} currency={currency} />
        </section>
      )}

      <section className="panel" aria-labelledby="rules">
        <h2 id="rules">Pricing rules</h2>
        <p className="muted">A rule multiplies a seat&apos;s price when it applies; in each kind the matching rule of highest priority wins.</p>
        {rules && (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Pricing rules">
            <table data-testid="rules-table" className="stacked-table">
              <caption>Rules at this cinema and for every cinema</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Multiplier</th><th scope="col">Applies</th><th scope="col">Priority</th><th scope="col">Valid</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {rules.length === 0 && <tr><td colSpan={7}>No rules yet: every seat sells at its category&apos;s price.</td></tr>}
                {rules.map((r) => (
                  <tr key={r.id}>
                    <td data-label="Name">{r.name}{!r.active && <> <span className="badge">inactive</span></>}</td>
                    <td data-label="Kind">{kindLabel.get(r.kind) ?? r.kind}</td>
                    <td data-label="Multiplier">×{r.multiplier}</td>
                    <td data-label="Applies">{ruleConditionsText(r)}</td>
                    <td data-label="Priority">{r.priority}</td>
                    <td data-label="Valid">{validity(r.valid_from, r.valid_until)}</td>
                    <td data-label="Actions">
                      {r.cinema_id === null && !admin ? <span className="muted">Every cinema</span> : (
                        <span className="actions">
                          <button type="button" className="secondary" aria-label={`Edit rule ${r.name}`} onClick={() => edit(openRule, setRule, r.id as number)}>Edit</button>
                          <button type="button" className="secondary" aria-label={`Delete rule ${r.name}`}
                                  onClick={() => act(async () => { await deleteRule(r.id as number); return `The rule ${r.name} is deleted.`; })}>Delete</button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {rule && cinemaId ? (
          <RuleForm key={rule.editing?.item.id ?? "new"} initial={rule.editing ? ruleFields(rule.editing.item) : NEW_RULE}
                    editing={!!rule.editing} cinemaId={rule.editing ? rule.editing.item.cinema_id : cinemaId}
                    onCancel={() => setRule(null)}
                    onSave={async (body) => {
                      const saved = await saveRule(body, rule.editing);
                      setRule(null);
                      await act(async () => `The rule ${saved.name} is ${rule.editing ? "saved" : "created"}.`);
                    }} />
        ) : (
          <button type="button" onClick={() => setRule({})}>New pricing rule</button>
        )}
      </section>

      <section className="panel" aria-labelledby="promos">
        <h2 id="promos">Promo codes</h2>
        {promos && (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Promo codes">
            <table data-testid="promos-table" className="stacked-table">
              <caption>Codes valid at this cinema</caption>
              <thead><tr><th scope="col">Code</th><th scope="col">Discount</th><th scope="col">Used</th><th scope="col">Valid</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {promos.length === 0 && <tr><td colSpan={5}>No promo codes yet.</td></tr>}
                {promos.map((p) => (
                  <tr key={p.id}>
                    <td data-label="Code">{p.code}{!p.active && <> <span className="badge">inactive</span></>}</td>
                    <td data-label="Discount">
                      {p.kind === "percent" ? `${p.value}% off` : `${formatMoney(p.value, p.currency ?? currency)} off`}{" "}
                      {p.scope === "ticket" ? "every ticket" : "the booking"}
                    </td>
                    <td data-label="Used">{p.uses_count ?? 0}{p.max_uses ? ` of ${p.max_uses}` : ""}</td>
                    <td data-label="Valid">{validity(p.valid_from, p.valid_until)}</td>
                    <td data-label="Actions">
                      {!p.cinema_ids?.length && !admin ? <span className="muted">Every cinema</span> : (
                        <span className="actions">
                          <button type="button" className="secondary" aria-label={`Edit promo code ${p.code}`} onClick={() => edit(openPromo, setPromo, p.id as number)}>Edit</button>
                          <button type="button" className="secondary" aria-label={`Delete promo code ${p.code}`}
                                  onClick={() => act(async () => {
                                    await deletePromo(p.id as number);
                                    return p.uses_count ? `The code ${p.code} was used, so it is deactivated rather than deleted.` : `The code ${p.code} is deleted.`;
                                  })}>Delete</button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {promo && cinemaId ? (
          <PromoForm key={promo.editing?.item.id ?? "new"} initial={promo.editing ? promoFields(promo.editing.item) : NEW_PROMO}
                     editing={promo.editing?.item} cinemaId={cinemaId} currency={currency}
                     onCancel={() => setPromo(null)}
                     onSave={async (body) => {
                       const saved = await savePromo(body, promo.editing);
                       setPromo(null);
                       await act(async () => `The promo code ${saved.code} is ${promo.editing ? "saved" : "created"}.`);
                     }} />
        ) : (
          <button type="button" onClick={() => setPromo({})}>New promo code</button>
        )}
      </section>
    </>
  );
}
