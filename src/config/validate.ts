/**
 * Validating a parsed config against the JSON Schema (with ajv), and turning the first problem
 * into one readable sentence: the key as a JSON pointer, and what is allowed there.
 *
 * Loaded only when a config file exists, so linting without one never loads ajv.
 */
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv";
import { closest } from "../cli/errors.js";
import { buildConfigSchema, SEVERITIES, type RuleForSchema } from "./schema.js";

export interface ConfigProblem {
  /** JSON pointer of the offending key, relative to the config object ("" for the object itself). */
  pointer: string;
  /** What is wrong and what is allowed, without the file name or the pointer. */
  message: string;
}

type Registry = Record<string, RuleForSchema>;

const compiled = new WeakMap<Registry, { ajv: Ajv; validate: ValidateFunction }>();

function validatorFor(rules: Registry): { ajv: Ajv; validate: ValidateFunction } {
  let entry = compiled.get(rules);
  if (!entry) {
    // strict: false, because rule option schemas are written by rule authors (and may carry
    // annotations ajv does not know); the config schema itself is checked in strict mode by a test.
    const ajv = new Ajv({ allErrors: false, verbose: true, strict: false });
    entry = { ajv, validate: ajv.compile(buildConfigSchema(rules)) };
    compiled.set(rules, entry);
  }
  return entry;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function orList(values: readonly unknown[]): string {
  const items = values.map((v) => JSON.stringify(v));
  return items.length <= 1 ? (items[0] ?? "nothing") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)!}`;
}

const TYPE_WORDS: Record<string, string> = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

/** What a schema allows, in words: `an integer from 10 to 19`, `"off", "warn" or "error"`. */
function allowed(schema: AnySchemaObject | undefined): string {
  if (!schema) return "a valid value";
  if (Array.isArray(schema.enum)) return `one of ${orList(schema.enum as unknown[])}`;
  if ("const" in schema) return JSON.stringify(schema.const);
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === "string");
  if (types.length === 0) return "a valid value";
  let words = types.map((t) => TYPE_WORDS[t] ?? t).join(" or ");
  if (types.length === 1) {
    const t = types[0];
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    if ((t === "integer" || t === "number") && min !== undefined && max !== undefined) words += ` from ${min} to ${max}`;
    else if ((t === "integer" || t === "number") && min !== undefined) words += ` of at least ${min}`;
    else if ((t === "integer" || t === "number") && max !== undefined) words += ` of at most ${max}`;
    if (t === "string" && schema.minLength === 1) words = "a non-empty string";
    const items = schema.items as AnySchemaObject | undefined;
    if (t === "array" && items && !Array.isArray(items) && typeof items.type === "string") {
      words = `an array of ${items.minLength === 1 ? "non-empty " : ""}${items.type}s`;
    }
  }
  return words;
}

function got(data: unknown): string {
  if (data === null) return "null";
  if (Array.isArray(data)) return "an array";
  if (typeof data === "object") return "an object";
  const text = JSON.stringify(data);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `/rules/<id>` → the rule id, for an entry of the rules object (not deeper). */
function ruleEntryId(pointer: string): string | undefined {
  const m = /^\/rules\/([^/]+)$/.exec(pointer);
  return m ? unescapePointer(m[1]!) : undefined;
}

function optionCount(rule: RuleForSchema | undefined): number | undefined {
  const schema = rule?.meta.schema;
  return Array.isArray(schema) ? schema.length : undefined;
}

const SEVERITY_WORDS = orList(SEVERITIES);

function describe(error: ErrorObject, rules: Registry): ConfigProblem {
  const pointer = error.instancePath;
  const entryId = ruleEntryId(pointer) ?? (/^\/rules\/[^/]+\/0$/.test(pointer) ? ruleEntryId(pointer.slice(0, -2)) : undefined);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const at = `${pointer}/${escapePointer(key)}`;
      if (pointer === "/rules") {
        const guess = closest(key, Object.keys(rules));
        return { pointer: at, message: `unknown rule "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}. Run "pgsafe rules" to list the rule ids.` };
      }
      const keys = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const guess = closest(key, keys);
      const list = keys.length > 0 ? `; allowed keys: ${keys.join(", ")}` : "; no keys are allowed here";
      return { pointer: at, message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}${list}.` };
    }
    case "minItems":
      if (ruleEntryId(pointer)) return { pointer, message: `must start with the severity: ${SEVERITY_WORDS}.` };
      break;
    case "maxItems":
    case "additionalItems": {
      const id = ruleEntryId(pointer);
      if (id) {
        const n = optionCount(rules[id]);
        const message =
          n === 0
            ? `rule "${id}" has no options: use ${SEVERITY_WORDS}.`
            : `rule "${id}" takes ${n === 1 ? "one option" : `at most ${String(n)} options`} after the severity.`;
        return { pointer, message };
      }
      break;
    }
    case "type":
    case "enum":
    case "const":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength": {
      let what = allowed(error.parentSchema);
      if (entryId !== undefined && pointer === `/rules/${escapePointer(entryId)}`) {
        const n = optionCount(rules[entryId]);
        what = `${SEVERITY_WORDS}${n !== 0 ? `, or an array: the severity then the options, e.g. ["error", { ... }]` : ""}`;
      } else if (entryId !== undefined) what = SEVERITY_WORDS;
      return { pointer, message: `must be ${what} (got ${got(error.data)}).` };
    }
  }
  return { pointer, message: `${error.message ?? "is not valid"}${error.data !== undefined && typeof error.data !== "object" ? ` (got ${got(error.data)})` : ""}.` };
}

/** The first problem of a parsed config, or undefined when it is valid. */
export function validateConfig(data: unknown, rules: Registry): ConfigProblem | undefined {
  const { ajv, validate } = validatorFor(rules);
  if (!validate(data)) {
    const errors = validate.errors ?? [];
    // An if/then/else failure is reported after the error inside the branch: keep the inner one.
    const first = errors.find((e) => e.keyword !== "if") ?? errors[0];
    return first ? describe(first, rules) : { pointer: "", message: "is not a valid pgsafe config." };
  }
  // Rules whose meta.schema is an object describe their whole options array (as in ESLint).
  const settings = (data as { rules?: Record<string, unknown> }).rules ?? {};
  for (const [id, setting] of Object.entries(settings)) {
    const schema = rules[id]?.meta.schema;
    if (!Array.isArray(setting) || !schema || typeof schema !== "object" || Array.isArray(schema)) continue;
    const check = ajv.compile(schema as AnySchemaObject);
    if (!check(setting.slice(1))) {
      const error = check.errors?.[0];
      if (!error) continue;
      // Pointers into the options array are one off from pointers into the entry (the severity comes first).
      const inner = error.instancePath.replace(/^\/(\d+)/, (_: string, n: string) => `/${Number(n) + 1}`);
      return describe({ ...error, instancePath: `/rules/${escapePointer(id)}${inner}` }, rules);
    }
  }
  return undefined;
}
