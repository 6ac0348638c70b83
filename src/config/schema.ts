/**
 * The JSON Schema of pgsafe's config file (draft-07), built from the rule registry so that every
 * rule id, its default and its options are listed for editors.
 *
 * This module is the source of truth. `src/config/pgsafe.config.schema.json` is the same schema
 * written out for editors (`"$schema"` in a config file); it ships in the package at that path
 * (export `pgsafe/pgsafe.config.schema.json`). test/config/schema-file.test.ts fails when the file
 * is stale; `npm run docs:update` rewrites it.
 */
import { FRAMEWORK_OPTIONS, type FrameworkOption } from "../analysis/frameworks/types.js";
import type { SeverityName } from "../types.js";

export type { FrameworkOption } from "../analysis/frameworks/types.js";

/** The config file's name, and the other names looked for, in order of precedence. */
export const CONFIG_FILE_NAMES = ["pgsafe.config.json", ".pgsaferc.json"] as const;

/** Where the schema file is, relative to the package root. */
export const SCHEMA_PATH = "src/config/pgsafe.config.schema.json";

export const SEVERITIES: readonly SeverityName[] = ["off", "warn", "error"];

/** Values of the `framework` key (and of `--framework`): the migration tools' own list. */
export const FRAMEWORKS: readonly FrameworkOption[] = FRAMEWORK_OPTIONS;

export const MIN_PG_VERSION = 10;
export const MAX_PG_VERSION = 19;

/** A rule's setting: a severity, or a severity followed by the rule's options (as in ESLint). */
export type RuleSetting = SeverityName | [SeverityName, ...unknown[]];

/** The contents of a config file, after validation. */
export interface PgsafeConfig {
  $schema?: string;
  pgVersion?: number;
  assumeInTransaction?: boolean;
  framework?: FrameworkOption;
  preset?: "recommended" | "strict";
  rules?: Record<string, RuleSetting>;
  ignorePatterns?: string[];
  lockTimeoutSetByRunner?: boolean;
  statementTimeoutSetByRunner?: boolean;
  stats?: string;
  /** `pgsafe trace`: SQL file of seed data (relative to the config file). */
  seed?: string;
}

export type JsonSchema = Record<string, unknown>;

/** What the schema needs to know about a rule. */
export interface RuleForSchema {
  meta: {
    docs: { description: string; defaultSeverity: SeverityName; url?: string };
    schema?: unknown;
  };
}

/**
 * The schema of one `rules` entry: `"error"`, or `["error", ...options]` with the options checked
 * against the rule's `meta.schema` (an array: one schema per option; an object: the schema of the
 * whole options array, as in ESLint; absent or false: options are not checked).
 */
function ruleEntrySchema(rule: RuleForSchema): JsonSchema {
  const { docs, schema } = rule.meta;
  const description = `${docs.description} (default: ${docs.defaultSeverity}).${docs.url ? ` ${docs.url}` : ""}`;
  const severity = { $ref: "#/definitions/severity" };
  // An object schema describes the options array as a whole (as in ESLint): the loader checks it.
  const array: JsonSchema = Array.isArray(schema)
    ? { type: "array", items: [severity, ...(schema as unknown[])], minItems: 1, maxItems: schema.length + 1, additionalItems: false }
    : { type: "array", items: [severity], minItems: 1 };
  return {
    description: description.replace(/\s+$/, ""),
    if: { type: "array" },
    then: array,
    else: severity,
  };
}

/** The config schema for a rule registry. */
export function buildConfigSchema(rules: Record<string, RuleForSchema>): JsonSchema {
  const ruleProperties: Record<string, JsonSchema> = {};
  for (const id of Object.keys(rules).sort()) ruleProperties[id] = ruleEntrySchema(rules[id]!);
  const flag = (description: string): JsonSchema => ({ type: "boolean", description });
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "pgsafe configuration",
    description: "Configuration of pgsafe, the PostgreSQL migration linter: pgsafe.config.json, .pgsaferc.json, or the \"pgsafe\" key of package.json.",
    type: "object",
    properties: {
      $schema: { type: "string", description: "The JSON Schema of this file, for editor completion." },
      pgVersion: {
        type: "integer",
        minimum: MIN_PG_VERSION,
        maximum: MAX_PG_VERSION,
        description: `PostgreSQL major version the migrations run on (${MIN_PG_VERSION}-${MAX_PG_VERSION}, default 15). Overridden by --pg-version.`,
      },
      assumeInTransaction: flag("The migration tool runs each file inside one transaction (default false). --assume-in-transaction turns it on."),
      framework: {
        enum: [...FRAMEWORKS],
        description: "The migration tool, which decides whether each file runs in a transaction (default auto: detected per file). Overridden by --framework.",
      },
      preset: {
        enum: ["recommended", "strict"],
        description:
          'The rule preset that "rules" applies on top of: "recommended" (default: each rule\'s default severity) or "strict" (every rule on; the rules that are off by default at "warn"). Overridden by --preset.',
      },
      rules: {
        type: "object",
        description: 'Severity per rule id: "off", "warn" or "error", or ["error", { ...options }] for a rule with options. --include and --exclude override it.',
        properties: ruleProperties,
        additionalProperties: false,
      },
      ignorePatterns: {
        type: "array",
        items: { type: "string", minLength: 1 },
        description: "Globs of files to leave out, relative to the directory of this file (a pattern without / matches at any depth). Added to --ignore-pattern.",
      },
      lockTimeoutSetByRunner: flag("The migration runner sets lock_timeout before it runs the migrations (default false)."),
      statementTimeoutSetByRunner: flag("The migration runner sets statement_timeout before it runs the migrations (default false)."),
      stats: {
        type: "string",
        minLength: 1,
        description:
          "Table sizes written by `pgsafe stats` (a path relative to this file): findings on statements that scan or rewrite a known table say how many rows they touch, and their severity follows the table's size. Overridden by --stats.",
      },
      seed: {
        type: "string",
        minLength: 1,
        description:
          "`pgsafe trace`: a SQL file of seed data (a path relative to this file), run in the embedded database so that scans and failures on non-empty tables show up. Overridden by --seed.",
      },
    },
    additionalProperties: false,
    definitions: {
      severity: { enum: [...SEVERITIES], description: '"off", "warn" or "error".' },
    },
  };
}

/** The schema as the text of src/config/pgsafe.config.schema.json. */
export function configSchemaText(rules: Record<string, RuleForSchema>): string {
  return `${JSON.stringify(buildConfigSchema(rules), null, 2)}\n`;
}
