// Queue a schedule optimisation and follow it until it finishes.
import { api } from "@/api/client";
import type { Schemas } from "@/api/types";
import { sentence } from "./errors";

export const POLL_MS = 1000;

export async function queueOptimisation(cinemaId: number, startDate: string, days: number, dryRun: boolean): Promise<Schemas["GenerationJob"]> {
  const { data, error } = await api.POST("/api/schedule/generate", {
    body: { cinema_id: cinemaId, start_date: startDate, days, dry_run: dryRun } as Schemas["GenerateRequest"],
  });
  if (!data) throw new Error(sentence(error));
  return data;
}

/** Calls onProgress with each state of the job until it succeeded or failed; resolves with the last. */
export async function followJob(jobId: string, onProgress: (job: Schemas["GenerationJob"]) => void): Promise<Schemas["GenerationJob"]> {
  for (;;) {
    const { data, error } = await api.GET("/api/schedule/jobs/{job_id}", { params: { path: { job_id: jobId } } });
    if (!data) throw new Error(sentence(error));
    onProgress(data);
    if (data.status === "succeeded" || data.status === "failed") return data;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
