// Occupancy and revenue of a cinema's days, films or screens, as charts (GET /api/reports/sales).
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import CinemaSelect, { useChosenCinema } from "@/components/CinemaSelect";
import Notice from "@/components/Notice";
import { useApi, useCinemas } from "@/lib/catalogue";
import { isoDay } from "@/lib/dates";
import { formatMoney } from "@/lib/money";

type GroupBy = Schemas["SalesReport"]["group_by"];
const none = () => Promise.resolve({ data: undefined, error: undefined, response: new Response(null) });

export default function Reports() {
  const cinemas = useCinemas();
  const chosen = useChosenCinema();
  const { cinemaId } = chosen;
  const [start, setStart] = useState("");
  const [days, setDays] = useState(7);
  const [groupBy, setGroupBy] = useState<GroupBy>("day");
  useEffect(() => setStart((chosen) => chosen || isoDay(new Date())), []);
  const report = useApi(() => (cinemaId && start
    ? api.GET("/api/reports/sales", { params: { query: { cinema_id: cinemaId, start_date: start, days, group_by: groupBy } } })
    : none()), [cinemaId, start, days, groupBy]);
  const rows = (report.data?.rows ?? []).map((r) => ({ ...r, occupancyPercent: Math.round(r.occupancy * 1000) / 10, revenue: r.revenue_minor / 100 }));
  const currency = report.data?.currency ?? "EUR";

  return (
    <>
      <h1>Reports</h1>
      <Notice error={report.error ?? cinemas.error} />
      <div className="filters">
        <CinemaSelect {...chosen} />
        <label>From <input type="date" value={start} onChange={(e) => setStart(e.target.value)} /></label>
        <label>Days <input type="number" min={1} max={92} value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
        <label>By{" "}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
            <option value="day">day</option><option value="film">film</option><option value="screen">screen</option>
          </select>
        </label>
      </div>
      {/* Drawn once the figures are here: the static page carries no inline style. */}
      {report.data && (
        <>
      <h2>Occupancy (%)</h2>
      <div className="chart" data-testid="occupancy-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis domain={[0, 100]} />
            <Tooltip />
            <Bar dataKey="occupancyPercent" name="Occupancy %" fill="#0b5cad" />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <h2>Revenue ({currency})</h2>
      <div className="chart" data-testid="revenue-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="revenue" name={`Revenue (${currency})`} fill="#2f6f3e" />
          </BarChart>
        </ResponsiveContainer>
      </div>
        </>
      )}
      <table data-testid="sales-table">
        <caption>The figures of the charts</caption>
        <thead><tr><th scope="col">{groupBy}</th><th scope="col">Showtimes</th><th scope="col">Tickets sold</th><th scope="col">Occupancy</th><th scope="col">Revenue</th><th scope="col">Booking fees</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}><th scope="row">{r.label}</th><td>{r.showtimes}</td><td>{r.tickets_sold}</td><td>{r.occupancyPercent}%</td><td>{formatMoney(r.revenue_minor, currency)}</td><td>{formatMoney(r.fees_minor, currency)}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
