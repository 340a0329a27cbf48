// The door page's offline mode: download and verify the list, decide scans on the device, keep
// them across reloads, upload them for reconciliation (the first scan of each ticket wins).
import { useCallback, useEffect, useState } from "react";
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";
import {
  type LocalDecision, OFFLINE_DEVICE, type OfflineState, codeHash, decide, loadState, saveState, verifyList,
} from "./offlineDoor";

export type OfflineDoor = {
  state: OfflineState | null;
  goOffline: () => Promise<string>;
  scan: (code: string) => Promise<LocalDecision>;
  upload: () => Promise<{ report?: Schemas["Reconciliation"]; error?: string }>;
};

export function useOfflineDoor(showtimeId: number | undefined, timeOf: (iso: string) => string): OfflineDoor {
  const [state, setState] = useState<OfflineState | null>(null);
  useEffect(() => { setState(showtimeId ? loadState(showtimeId) : null); }, [showtimeId]);

  const keep = useCallback((next: OfflineState | null) => {
    if (showtimeId) saveState(showtimeId, next);
    setState(next);
  }, [showtimeId]);

  /** Download the list and check its signature; the sentence to show, thrown when it failed. */
  const goOffline = useCallback(async () => {
    if (!showtimeId) throw new Error("Choose a show first.");
    const keys = await api.GET("/api/checkin-list-keys");
    const list = await api.GET("/api/showtimes/{showtime_id}/checkin-list", { params: { path: { showtime_id: showtimeId } } });
    if (!keys.data || !list.data) throw new Error(sentence(keys.error ?? list.error));
    const publicKey = keys.data.keys?.[list.data.key_id ?? ""];
    if (!publicKey || !(await verifyList(list.data, publicKey))) {
      throw new Error("The downloaded list failed its signature check: it was not used. Try again.");
    }
    keep({ listing: list.data, scans: state?.scans ?? [] });
    return `Offline: ${list.data.tickets?.length ?? 0} tickets on the list, its signature checked. Scans are kept on this device until you upload them.`;
  }, [showtimeId, state, keep]);

  const scan = useCallback(async (code: string) => {
    if (!state) throw new Error("Not offline.");
    const hash = await codeHash(code);
    const at = new Date();
    const decision = decide(state.listing, hash, state.scans, at, timeOf);
    if (decision.admitted) {
      keep({ ...state, scans: [...state.scans, { code, hash, scanned_at: at.toISOString(), device: OFFLINE_DEVICE }] });
    }
    return decision;
  }, [state, keep, timeOf]);

  const upload = useCallback(async () => {
    if (!showtimeId || !state) return { error: "Nothing to upload." };
    const scans = state.scans.map(({ code, scanned_at, device }) => ({ code, scanned_at, device }));
    const { data, error } = await api.POST("/api/showtimes/{showtime_id}/offline-scans", {
      params: { path: { showtime_id: showtimeId } }, body: { scans },
    });
    if (!data) return { error: sentence(error) };
    keep(null);
    return { report: data };
  }, [showtimeId, state, keep]);

  return { state, goOffline, scan, upload };
}
