/**
 * The official SARIF 2.1.0 schema (OASIS errata 01, saved in ../shared/schemas) compiled with Ajv.
 * It is JSON Schema draft-04, hence ajv-draft-04; ajv-formats for its "uri" and "date-time" formats.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";

export const SARIF_SCHEMA_PATH = join(import.meta.dirname, "..", "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json");

export const schemaPresent = existsSync(SARIF_SCHEMA_PATH);

/** Validates a SARIF log; resolves to the schema errors (empty when valid). */
export function sarifValidator(): (log: unknown) => string[] {
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA_PATH, "utf8")) as Record<string, unknown>;
  const ajv = new AjvDraft04.default({ allErrors: true });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));
}
