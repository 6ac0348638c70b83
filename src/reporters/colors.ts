/**
 * picocolors, for the reports that colour their text. It is CommonJS: required rather than
 * imported, since an ESM import of CommonJS makes Node scan the module's source for its export
 * names first, on every start.
 */
import { createRequire } from "node:module";
import type * as Picocolors from "picocolors";

export const { createColors } = createRequire(import.meta.url)("picocolors") as typeof Picocolors;
