// A till's shift report: takings by tender, refunds and voids, the cash expected and counted.
import type { Schemas } from "@/api/types";
import { dateTimeOf } from "@/lib/dates";
import { formatMoney } from "@/lib/money";
import { differenceSentence } from "@/lib/till";

export default function ShiftReport({ report }: { report: Schemas["ShiftReport"] }) {
  const currency = report.shift.currency;
  const money = (minor: number | null | undefined) => (minor === null || minor === undefined ? "—" : formatMoney(minor, currency));
  const groups = [["Sales", report.sales], ["Refunds", report.refunds], ["Voids", report.voids]] as const;
  return (
    <section aria-labelledby="report-heading" className="panel" data-testid="shift-report">
      <h2 id="report-heading">Shift report</h2>
      <p className="muted">
        Opened {dateTimeOf(report.shift.opened_at)}
        {report.shift.closed_at && <>, cashed up {dateTimeOf(report.shift.closed_at)}</>}.
      </p>
      <table>
        <caption>Takings by tender</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Tender</th><th scope="col">Count</th><th scope="col">Amount</th></tr></thead>
        <tbody>
          {groups.flatMap(([kind, byTender]) => Object.entries(byTender).map(([tender, totals]) => (
            <tr key={`${kind}-${tender}`}><td>{kind}</td><td>{tender}</td><td>{totals.count}</td><td>{money(totals.amount_minor)}</td></tr>
          )))}
        </tbody>
      </table>
      <dl className="report-figures">
        <dt>Opening float</dt><dd>{money(report.shift.opening_float_minor)}</dd>
        <dt>Change given</dt><dd>{money(report.change_given_minor)}</dd>
        <dt>Cash expected</dt><dd>{money(report.expected_cash_minor)}</dd>
        <dt>Cash counted</dt><dd>{money(report.counted_cash_minor)}</dd>
        <dt>Difference</dt><dd data-testid="report-difference">{money(report.difference_minor)}</dd>
      </dl>
      {report.difference_minor !== null && report.difference_minor !== undefined && (
        <p>{differenceSentence(report.difference_minor, currency)}</p>
      )}
    </section>
  );
}
