// Names for the generated OpenAPI types (schema.d.ts, written by `npm run api:types`).
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type ApiError = Schemas["Error"];
export type Reason = NonNullable<ApiError["reason"]>;
