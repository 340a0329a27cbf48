// The audit log for managers and admins: who did what, where and when, filtered by action,
// cinema and days, a page at a time.
import { type FormEvent, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import Notice from "@/components/Notice";
import { useStaffCinemas } from "@/components/ShowtimePicker";
import { dateTimeOf, dayBoundary } from "@/lib/dates";
import { sentence } from "@/lib/errors";
import { isManager, useSession } from "@/lib/session";

const PAGE_SIZE = 25;

type Filters = { action: string; cinemaId: string; from: string; to: string };
const NO_FILTERS: Filters = { action: "", cinemaId: "", from: "", to: "" };

function changes(entry: Schemas["AuditEntry"]): string {
  const describe = (values: Record<string, unknown> | null | undefined) =>
    values ? Object.entries(values).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ") : "";
  const before = describe(entry.before);
  const after = describe(entry.after);
  if (before && after) return `${before} → ${after}`;
  return after || (before && `removed ${before}`) || "";
}

export default function AuditPage() {
  const session = useSession();
  const cinemas = useStaffCinemas();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<Schemas["AuditEntryPage"]>();
  const [error, setError] = useState<string | null>(null);
  const manager = isManager(session);

  useEffect(() => {
    if (!manager) return;
    let live = true;
    const query = {
      page, page_size: PAGE_SIZE,
      action: applied.action.trim() || undefined,
      cinema_id: applied.cinemaId ? Number(applied.cinemaId) : undefined,
      since: applied.from ? dayBoundary(applied.from) : undefined,
      until: applied.to ? dayBoundary(applied.to, true) : undefined,
    };
    api.GET("/api/audit", { params: { query } }).then(({ data, error: problem }) => {
      if (!live) return;
      setError(data ? null : sentence(problem));
      if (data) setResult(data);
    }, () => live && setError(sentence(undefined)));
    return () => { live = false; };
  }, [manager, applied, page]);

  function onFilter(event: FormEvent) {
    event.preventDefault();
    setPage(1);
    setApplied(filters);
  }

  if (!manager) return <><h1>Audit log</h1><p>Log in as a manager or an administrator to read the audit log.</p></>;
  const cinemaName = new Map(cinemas?.map((c) => [c.id, c.name]));

  return (
    <>
      <h1>Audit log</h1>
      <form onSubmit={onFilter} className="form filters" aria-label="Filter the audit log">
        <label>Action <input value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })}
                             placeholder="booking.cancelled or refund." autoComplete="off" /></label>
        <label>Cinema{" "}
          <select value={filters.cinemaId} onChange={(e) => setFilters({ ...filters, cinemaId: e.target.value })}>
            <option value="">All my cinemas</option>
            {cinemas?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label>From <input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} /></label>
        <label>To <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} /></label>
        <button type="submit">Show</button>
      </form>
      <Notice error={error} />
      {result && (
        <>
          <p aria-live="polite">{result.total === 0 ? "No entries match." : `${result.total} entries, page ${result.page} of ${result.pages}.`}</p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Audit entries">
            <table data-testid="audit-table" className="stacked-table">
              <caption>Audit entries, newest first</caption>
              <thead>
                <tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Cinema</th><th scope="col">Record</th><th scope="col">Change</th></tr>
              </thead>
              <tbody>
                {result.items.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label="When">{dateTimeOf(entry.at as string)}</td>
                    <td data-label="Action">{entry.action}</td>
                    <td data-label="Who">{entry.actor_id ? `user ${entry.actor_id}` : "system"} ({entry.actor_role})</td>
                    <td data-label="Cinema">{entry.cinema_id ? cinemaName.get(entry.cinema_id) ?? `cinema ${entry.cinema_id}` : "—"}</td>
                    <td data-label="Record">{entry.subject_type} {entry.subject_id}</td>
                    <td data-label="Change" className="audit-change">{changes(entry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages of the audit log" className="actions">
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous page</button>
            <button type="button" className="secondary" disabled={page >= result.pages} onClick={() => setPage(page + 1)}>Next page</button>
          </nav>
        </>
      )}
    </>
  );
}
