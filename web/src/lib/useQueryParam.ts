// A page's query parameter once the static page has read its URL (undefined before).
import { useRouter } from "next/router";

export function useQueryParam(name: string): string | undefined {
  const router = useRouter();
  if (!router.isReady) return undefined;
  const value = router.query[name];
  return Array.isArray(value) ? value[0] : value ?? "";
}
