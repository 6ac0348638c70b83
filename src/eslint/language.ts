/**
 * The ESLint language `pgsafe/sql`: PostgreSQL migration files parsed by Postgres' own parser
 * (libpg-query), with the migration context pgsafe's rules need.
 *
 * `parse` is synchronous in ESLint; the WebAssembly parser is loaded when this module is imported
 * (src/parser/wasm.ts awaits it at the top level).
 *
 * A file of a migration tool that holds several migrations (goose / dbmate / sql-migrate up and
 * down sections) is split as the CLI splits it (src/analysis/frameworks/index.ts, lintMigration):
 * each section is the file with everything else blanked out, parsed and analysed with the tool's
 * transaction semantics, so findings, positions and fixes are the file's own.
 */
import type { File, Language, LanguageContext, OkParseResult } from "@eslint/core";
import type { MigrationOptions } from "../analysis/context.js";
import { FRAMEWORK_OPTIONS, migrationSplit, type FrameworkOption, type SectionOptions } from "../analysis/frameworks/index.js";
import { MAX_PG_VERSION, MIN_PG_VERSION } from "../config/schema.js";
import type { MigrationRoot, PgNode } from "../language/source-code.js";
import { parseSql, stripBom, type ParsedSql } from "../parser/parse.js";
import { PgEslintSourceCode, type SectionInput } from "./source-code.js";

/** `languageOptions` of the `pgsafe/sql` language: how the migrations run. */
export interface PgsafeLanguageOptions {
  /** PostgreSQL major version the migrations run on (10-19, default 15). */
  pgVersion?: number;
  /** The migration tool runs each file inside one transaction (default false). */
  assumeInTransaction?: boolean;
  /** "auto" (default): detect the migration tool per file; "none": plain psql; or a tool's name. */
  framework?: FrameworkOption;
  /** The migration runner sets lock_timeout before running the migrations (default false). */
  lockTimeoutSetByRunner?: boolean;
  /** The migration runner sets statement_timeout before running the migrations (default false). */
  statementTimeoutSetByRunner?: boolean;
  [key: string]: unknown;
}

const BOOLEAN_OPTIONS = ["assumeInTransaction", "lockTimeoutSetByRunner", "statementTimeoutSetByRunner"] as const;
const KNOWN_OPTIONS = new Set(["pgVersion", "framework", ...BOOLEAN_OPTIONS]);

/** Throws a TypeError naming the bad `languageOptions` key and the values it takes. */
export function validateLanguageOptions(options: PgsafeLanguageOptions): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`Unknown pgsafe/sql language option "${key}". Known options: ${[...KNOWN_OPTIONS].join(", ")}.`);
    }
  }
  const { pgVersion, framework } = options;
  if (pgVersion !== undefined && (typeof pgVersion !== "number" || !Number.isInteger(pgVersion) || pgVersion < MIN_PG_VERSION || pgVersion > MAX_PG_VERSION)) {
    throw new TypeError(`pgsafe/sql: languageOptions.pgVersion must be a PostgreSQL major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}, got ${JSON.stringify(pgVersion)}.`);
  }
  for (const key of BOOLEAN_OPTIONS) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") {
      throw new TypeError(`pgsafe/sql: languageOptions.${key} must be true or false, got ${JSON.stringify(options[key])}.`);
    }
  }
  if (framework !== undefined && !(FRAMEWORK_OPTIONS as readonly unknown[]).includes(framework)) {
    throw new TypeError(`pgsafe/sql: languageOptions.framework must be one of ${FRAMEWORK_OPTIONS.join(", ")}, got ${JSON.stringify(framework)}.`);
  }
}

/** The migration options of the file (those of src/index.ts's `lintText`). */
function migrationOptions(options: PgsafeLanguageOptions): Partial<MigrationOptions> {
  const out: Partial<MigrationOptions> = {};
  if (options.pgVersion !== undefined) out.pgVersion = options.pgVersion;
  for (const key of BOOLEAN_OPTIONS) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

/** What a section adds to the file's options, as src/index.ts passes it to the engine (without its direction). */
function sectionOptions({ direction: _direction, ...options }: SectionOptions): Partial<MigrationOptions> {
  return options;
}

/** The file's path for framework detection, or undefined for text that is not a file. */
function pathOf(file: File): string | undefined {
  const path = file.path;
  return path && !/(?:^|[\\/])<[^\\/]*>$/.test(path) ? path : undefined;
}

/** The result of `parse`: the whole file, and its migrations when the file holds several. */
export interface PgParseResult extends OkParseResult<MigrationRoot> {
  parsed: ParsedSql;
  /** Set when the file is linted as separate migrations. */
  sections?: SectionInput[];
  /** Options of the one migration, when the file is not split. */
  fileSection?: Partial<MigrationOptions>;
}

export function parse(file: File, context: LanguageContext<PgsafeLanguageOptions>): PgParseResult {
  const raw = typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
  const text = stripBom(raw).text;
  const options = context.languageOptions;
  const parsed = parseSql(text);
  const ast: MigrationRoot = { type: "Migration", statements: parsed.statements, range: [0, text.length], loc: parsed.source.locationOf(0, text.length) };
  const path = pathOf(file);
  const planOptions = {
    framework: options.framework ?? "auto",
    ...(options.pgVersion !== undefined ? { pgVersion: options.pgVersion } : {}),
    ...(options.assumeInTransaction !== undefined ? { assumeInTransaction: options.assumeInTransaction } : {}),
  };
  // The file is split exactly as the CLI splits it (lintMigration).
  const split = migrationSplit(text, path, planOptions);
  if (split.kind === "whole") return { ok: true, ast, parsed, ...(split.options ? { fileSection: sectionOptions(split.options) } : {}) };
  const sections = split.sections.map((section) => ({ parsed: parseSql(section.text), options: sectionOptions(section.options) }));
  return { ok: true, ast, parsed, sections };
}

export function createSourceCode(_file: File, result: OkParseResult<MigrationRoot>, context: LanguageContext<PgsafeLanguageOptions>): PgEslintSourceCode {
  const { parsed, sections, fileSection } = result as PgParseResult;
  const options = migrationOptions(context.languageOptions);
  if (sections) {
    const inputs: SectionInput[] = sections.map((s) => ({ parsed: s.parsed, options: { ...options, ...s.options } }));
    return new PgEslintSourceCode(parsed, options, inputs);
  }
  return new PgEslintSourceCode(parsed, { ...options, ...fileSection });
}

export const DEFAULT_LANGUAGE_OPTIONS = {
  pgVersion: 15,
  assumeInTransaction: false,
  framework: "auto",
  lockTimeoutSetByRunner: false,
  statementTimeoutSetByRunner: false,
} as const satisfies PgsafeLanguageOptions;

/** The `pgsafe/sql` language. */
export const sql = {
  fileType: "text",
  lineStart: 1,
  columnStart: 1,
  nodeTypeKey: "type",
  visitorKeys: {},
  defaultLanguageOptions: { ...DEFAULT_LANGUAGE_OPTIONS },
  validateLanguageOptions,
  parse,
  createSourceCode,
} satisfies Language<{ LangOptions: PgsafeLanguageOptions; Code: PgEslintSourceCode; RootNode: MigrationRoot; Node: PgNode | MigrationRoot }>;
