// The door: choose a showtime, then scan. A USB scanner types the code into the input and presses
// Enter; a camera reads it where the browser can. Each scan is admitted or refused with the reason
// as a sentence; the last admission can be undone; admitted against sold is kept up to date.
// Before the network goes, the show's signed list can be downloaded: scans are then decided on
// this device and uploaded later (lib/useOfflineDoor).
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import CameraScanner from "@/components/CameraScanner";
import Notice from "@/components/Notice";
import ShowtimePicker from "@/components/ShowtimePicker";
import { timeOf } from "@/lib/dates";
import { uploadSentence } from "@/lib/offlineDoor";
import { useOfflineDoor } from "@/lib/useOfflineDoor";
import { refusalSentence } from "@/lib/door";
import { sentence } from "@/lib/errors";
import { isStaff, useSession } from "@/lib/session";

type Outcome = { admitted: boolean; text: string; code: string };

export default function DoorPage() {
  const session = useSession();
  const [showtime, setShowtime] = useState<Schemas["Showtime"]>();
  const [timeZone, setTimeZone] = useState<string>();
  const [counts, setCounts] = useState<Schemas["AdmissionCounts"]>();
  const [code, setCode] = useState("");
  const [outcome, setOutcome] = useState<Outcome>();
  const [lastAdmitted, setLastAdmitted] = useState<Schemas["Admission"]>();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const busy = useRef(false);
  const localTime = useCallback((iso: string) => timeOf(iso, timeZone), [timeZone]);
  const offline = useOfflineDoor(showtime?.id, localTime);

  const loadCounts = useCallback(async () => {
    if (!showtime) return;
    const { data, error: problem } = await api.GET("/api/showtimes/{showtime_id}/admissions", { params: { path: { showtime_id: showtime.id } } });
    if (data) setCounts(data);
    else setError(sentence(problem));
  }, [showtime]);
  useEffect(() => { setCounts(undefined); setOutcome(undefined); setLastAdmitted(undefined); loadCounts(); }, [loadCounts]);

  const scan = useCallback(async (scanned: string) => {
    const value = scanned.trim();
    if (!showtime || !value || busy.current) return;
    busy.current = true;
    setError(null);
    setMessage(null);
    try {
      if (offline.state) {
        const decision = await offline.scan(value);
        setOutcome({ admitted: decision.admitted, text: decision.text, code: value });
        return;
      }
      const { data, error: problem, response } = await api.POST("/api/showtimes/{showtime_id}/checkin", {
        params: { path: { showtime_id: showtime.id } }, body: { code: value, device: "web-door", override_too_early: false },
      });
      if (data) {
        setOutcome({ admitted: true, text: `Admitted at ${timeOf(data.admitted_at as string, timeZone)}.`, code: value });
        setLastAdmitted(data);
      } else if (response.status === 409 || response.status === 422) {
        setOutcome({ admitted: false, text: refusalSentence(problem, timeZone), code: value });
      } else {
        setError(sentence(problem));
      }
      await loadCounts();
    } catch {
      setError(sentence(undefined));
    } finally {
      busy.current = false;
      setCode("");
      input.current?.focus();
    }
  }, [showtime, timeZone, loadCounts, offline]);

  async function goOffline() {
    setError(null);
    try {
      setMessage(await offline.goOffline());
    } catch (problem) {
      setError((problem as Error).message);
    }
    input.current?.focus();
  }

  async function upload() {
    setError(null);
    const { report, error: problem } = await offline.upload();
    if (report) {
      setMessage(uploadSentence(report, localTime));
      setOutcome(undefined);
      await loadCounts();
    } else setError(problem ?? null);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await scan(code);
  }

  async function undo() {
    if (!lastAdmitted?.ticket_id) return;
    setError(null);
    const { error: problem, response } = await api.DELETE("/api/tickets/{ticket_id}/checkin", { params: { path: { ticket_id: lastAdmitted.ticket_id } } });
    if (!response.ok) { setError(sentence(problem)); return; }
    setLastAdmitted(undefined);
    setOutcome(undefined);
    setMessage("The last scan is undone: that ticket may be scanned in again.");
    await loadCounts();
    input.current?.focus();
  }

  if (!isStaff(session)) return <><h1>Door</h1><p>Log in with a staff account to scan tickets.</p></>;

  return (
    <>
      <h1>Door</h1>
      <ShowtimePicker showtimeId={showtime?.id} onChange={(s, cinema) => { setShowtime(s); setTimeZone(cinema?.timezone); }} />
      <Notice error={error} message={message} />
      {showtime && (
        <section aria-labelledby="scan-heading" className="panel">
          <h2 id="scan-heading">Scan tickets for {showtime.movie_title}, {timeOf(showtime.starts_at, timeZone)}</h2>
          {counts && (
            <p data-testid="admission-counts" aria-live="polite">
              <strong>{counts.admitted}</strong> admitted of <strong>{counts.sold}</strong> sold
              ({counts.not_yet_admitted} still to come)
            </p>
          )}
          <form onSubmit={onSubmit} className="scan-form">
            <label htmlFor="ticket-code">Ticket code</label>
            <input id="ticket-code" ref={input} value={code} onChange={(e) => setCode(e.target.value)}
                   autoComplete="off" autoFocus spellCheck={false} aria-describedby="scan-help" />
            <p id="scan-help" className="muted">Scan with a USB scanner (it presses Enter) or type the code under the QR.</p>
            <button type="submit">Check in</button>
          </form>
          <CameraScanner onCode={scan} />
          <div aria-live="assertive" data-testid="scan-outcome">
            {outcome && (
              <p className={outcome.admitted ? "scan-result scan-admitted" : "scan-result scan-refused"}>
                <strong>{outcome.admitted ? "Admitted" : "Refused"}</strong>: {outcome.text}
              </p>
            )}
          </div>
          {lastAdmitted && !offline.state && <button type="button" className="secondary" onClick={undo}>Undo the last scan</button>}
          <div className="offline-door" data-testid="offline-door">
            {offline.state ? (
              <>
                <p><strong>Scanning offline</strong> from the list made at {localTime(offline.state.listing.generated_at ?? "")}:
                  {" "}{offline.state.scans.length} admitted on this device, waiting to upload.</p>
                <button type="button" onClick={upload}>Upload {offline.state.scans.length} offline scans</button>
              </>
            ) : (
              <button type="button" className="secondary" onClick={goOffline}>Download the list to scan offline</button>
            )}
          </div>
        </section>
      )}
    </>
  );
}
