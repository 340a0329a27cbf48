// The one way pages call the API: openapi-fetch typed by the generated schema, with the
// session's bearer token, and one refresh through the httpOnly cookie when the token expired.
import createClient, { type Middleware } from "openapi-fetch";
import { currentSession, saveSession } from "@/lib/session";
import type { paths } from "./schema";
import type { Schemas } from "./types";

export const api = createClient<paths>({ baseUrl: "" });

const bearer: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${session.accessToken}`);
    }
    return request;
  },
  async onResponse({ request, response }) {
    const session = currentSession();
    if (response.status !== 401 || !session || request.url.includes("/api/auth/")) return response;
    const refreshed = await refresh(session.csrf);
    if (!refreshed) return response;
    const retry = new Request(request, { headers: new Headers(request.headers) });
    retry.headers.set("Authorization", `Bearer ${refreshed.access_token}`);
    return fetch(retry);
  },
};
api.use(bearer);

async function refresh(csrf: string | null): Promise<Schemas["Token"] | null> {
  const answer = await fetch("/api/auth/refresh", {
    method: "POST", credentials: "same-origin", headers: csrf ? { "X-CSRF-TOKEN": csrf } : {},
  });
  if (!answer.ok) {
    saveSession(null);
    return null;
  }
  const token = (await answer.json()) as Schemas["Token"];
  startSession(token);
  return token;
}

export function startSession(token: Schemas["Token"]): void {
  if (!token.access_token || !token.user) return;
  saveSession({ accessToken: token.access_token, csrf: token.refresh_csrf_token ?? null, user: token.user });
}

/** The API's clock minus this browser's, in ms, from an answer's Date header (0 without one). */
export function serverSkew(response: Response): number {
  const date = response.headers.get("Date");
  return date ? Date.parse(date) - Date.now() : 0;
}
