// Account actions of the auth pages; each throws an Error whose message is the sentence to show.
import { api, startSession } from "@/api/client";
import { sentence } from "./errors";

export async function logIn(email: string, password: string): Promise<void> {
  const { data, error } = await api.POST("/api/auth/login", { body: { email, password }, credentials: "same-origin" });
  if (!data) throw new Error(sentence(error));
  startSession(data);
}

export async function register(email: string, password: string, fullName: string): Promise<void> {
  const { error, response } = await api.POST("/api/auth/register", { body: { email, password, full_name: fullName } });
  if (!response.ok) throw new Error(sentence(error));
  await logIn(email, password);
}

export async function forgotPassword(email: string): Promise<void> {
  const { error, response } = await api.POST("/api/auth/forgot-password", { body: { email } });
  if (!response.ok) throw new Error(sentence(error));
}

export async function resetPassword(token: string, password: string): Promise<void> {
  const { error, response } = await api.POST("/api/auth/reset-password", { body: { token, password } });
  if (!response.ok) throw new Error(sentence(error));
}

export async function verifyEmail(token: string): Promise<void> {
  const { error, response } = await api.POST("/api/auth/verify-email", { body: { token } });
  if (!response.ok) throw new Error(sentence(error));
}

/** Only a path of this site: a ?next= pointing elsewhere is ignored. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
