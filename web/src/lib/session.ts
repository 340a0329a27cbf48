// The signed-in user: the access token and the refresh token's CSRF value, kept in this tab's
// sessionStorage (the refresh token itself stays in the API's httpOnly cookie). Components
// follow it with useSession().
import { useSyncExternalStore } from "react";
import type { Schemas } from "@/api/types";

export type Session = {
  accessToken: string;
  csrf: string | null;
  user: Schemas["User"];
};

const KEY = "cinemaos.session";
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: Session | null } = { raw: null, value: null };

export function currentSession(): Session | null {
  if (typeof window === "undefined") return null;
  const raw = window.sessionStorage.getItem(KEY);
  if (raw !== cached.raw) cached = { raw, value: raw ? (JSON.parse(raw) as Session) : null };
  return cached.value;
}

export function saveSession(session: Session | null): void {
  if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
  else window.sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession, () => null);
}

export function isStaff(session: Session | null): boolean {
  return session !== null && session.user.role !== undefined && session.user.role !== "customer";
}

export function isManager(session: Session | null): boolean {
  return session?.user.role === "manager" || session?.user.role === "admin";
}
