/**
 * What the language server knows about a document's workspace, and linting with it:
 *
 * - the config: `loadConfig` from the document's folder upward (or `--config F`, or none with
 *   `--no-config`), cached per folder and re-read whenever one of the files discovery looks at
 *   (pgsafe.config.json, .pgsaferc.json, package.json in each folder up to the repository root)
 *   appeared, disappeared or changed (size or mtime), so that no file-watching notification is
 *   needed;
 * - the migration tool: detected by the library from the file path and markers;
 * - the known schema: the migration files before the document in its folder (not in subfolders;
 *   for Prisma's `<ts>_<name>/migration.sql`, in the folders next to its own), in migration order
 *   as discovery sorts them, replayed with `replaySchema`, cached per document and rebuilt when
 *   the list of earlier files or one of them (size or mtime) changes. The document itself is
 *   linted from the editor's buffer, saved or not.
 *
 * Problems never escape: an invalid config or an exception while linting becomes one diagnostic
 * on the document's first line, and a log message.
 */
import { statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic, Hover, Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { blankOutside, planMigration } from "../analysis/frameworks/index.js";
import { terminateAt } from "../analysis/frameworks/sections.js";
import type { KnownSchema } from "../analysis/schema.js";
import { compareMigrationPaths, discoverFiles } from "../cli/discover.js";
import { CONFIG_FILE_NAMES, loadConfig, type ConfigOptions } from "../config/load.js";
import { explainText, type ExplainedFile } from "../explain.js";
import { lintText, replaySchema } from "../index.js";
import { parseSql, stripBom } from "../parser/parse.js";
import { readSqlFile } from "../sql-file.js";
import { bomLength, ignoreSpans, problemDiagnostic, toDiagnostic } from "./convert.js";
import { hoverAt } from "./hover.js";

export interface ServiceOptions {
  /** `--config F` (absolute): the config for every document. */
  configFile?: string;
  /** `--no-config`. */
  noConfig?: boolean;
  /** Folder for documents that are not files (untitled buffers): config discovery starts there. */
  fallbackDir: string;
  log: (message: string) => void;
}

interface ConfigState {
  fingerprint: string;
  options?: ConfigOptions;
  /** Why the config could not be loaded. */
  error?: string;
}

/** The lint options of one document, and what they were computed from. */
interface DocumentContext {
  options: ConfigOptions;
  error?: string;
  ignored: boolean;
  filePath?: string;
  knownSchema?: KnownSchema;
  /** Changes when anything the lint depends on besides the text changes. */
  key: string;
}

function stamp(path: string): string {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s ? `${path}:${s.mtimeMs}:${s.size}` : "";
  } catch {
    return "";
  }
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** The folder whose migrations come before `file`: its own, or the parent of a per-migration folder (Prisma's `<ts>_<name>/migration.sql`, Diesel's `up.sql`). */
export function migrationsRoot(file: string): string {
  const dir = dirname(file);
  return /^(?:migration|up|down)\.sql$/i.test(basename(file)) ? dirname(dir) : dir;
}

/** The file path of a `file:` URI, else undefined. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class LintService {
  readonly #options: ServiceOptions;
  readonly #configs = new Map<string, ConfigState>();
  readonly #schemas = new Map<string, { key: string; schema: KnownSchema }>();
  readonly #lints = new Map<string, { version: number; key: string; diagnostics: Diagnostic[] }>();
  readonly #explains = new Map<string, { version: number; key: string; explained: ExplainedFile }>();

  constructor(options: ServiceOptions) {
    this.#options = options;
  }

  /** Forgets every cached config and schema (a watched file changed). */
  invalidate(): void {
    this.#configs.clear();
    this.#schemas.clear();
    this.#lints.clear();
    this.#explains.clear();
  }

  /** Forgets what belongs to a closed document. */
  forget(uri: string): void {
    this.#lints.delete(uri);
    this.#explains.delete(uri);
    const file = filePathOf(uri);
    if (file) this.#schemas.delete(file);
  }

  /** What config discovery from `dir` reads, as a string that changes when any of it changes. */
  #configFingerprint(dir: string): string {
    if (this.#options.noConfig) return "none";
    if (this.#options.configFile) return stamp(this.#options.configFile) || `missing:${this.#options.configFile}`;
    const parts: string[] = [];
    for (let d = dir; ; d = dirname(d)) {
      for (const name of [...CONFIG_FILE_NAMES, "package.json"]) parts.push(stamp(join(d, name)));
      if (exists(join(d, ".git")) || dirname(d) === d) break;
    }
    return parts.filter(Boolean).join("|");
  }

  async #config(dir: string): Promise<ConfigState> {
    const fingerprint = this.#configFingerprint(dir);
    const cached = this.#configs.get(dir);
    if (cached && cached.fingerprint === fingerprint) return cached;
    let state: ConfigState;
    if (this.#options.noConfig) state = { fingerprint, options: {} };
    else {
      try {
        const loaded = await loadConfig({ cwd: dir, ...(this.#options.configFile ? { configFile: this.#options.configFile } : {}) });
        state = { fingerprint, options: loaded?.options ?? {} };
        if (cached) this.#options.log(loaded ? `Config reloaded from ${loaded.filePath}.` : `No config file applies in ${dir} any more.`);
      } catch (error) {
        state = { fingerprint, error: describe(error) };
        this.#options.log(`Config problem: ${describe(error)}`);
      }
    }
    this.#configs.set(dir, state);
    return state;
  }

  async #isIgnored(filePath: string, options: ConfigOptions, cwd: string): Promise<boolean> {
    if (!options.ignorePatterns || options.ignorePatterns.length === 0) return false;
    try {
      return (await discoverFiles([filePath], { cwd, ignorePatterns: options.ignorePatterns })).length === 0;
    } catch {
      // Not on disk (yet): nothing to ignore.
      return false;
    }
  }

  /**
   * The migration files before `filePath` in its folder, in migration order: the `*.sql` files of
   * the folder itself (not of its subfolders, so that a file outside any migrations folder does
   * not replay a whole repository), or of the per-migration folders next to its own.
   */
  async #earlierFiles(filePath: string, options: ConfigOptions, cwd: string): Promise<string[]> {
    const root = migrationsRoot(filePath);
    const { default: fg } = await import("fast-glob");
    const pattern = `${fg.convertPathToPattern(root).replace(/\/+$/, "")}/${root === dirname(filePath) ? "" : "*/"}*.sql`;
    let files: string[];
    try {
      files = await discoverFiles([pattern], { cwd, ...(options.ignorePatterns ? { ignorePatterns: options.ignorePatterns } : {}) });
    } catch {
      // No .sql file there (the document is not saved yet): nothing before it.
      return [];
    }
    const self = resolve(filePath);
    const at = files.indexOf(self);
    if (at >= 0) return files.slice(0, at);
    // Not on disk yet, or left out by an ignore pattern: by its name.
    return files.filter((f) => compareMigrationPaths(relative(root, f), relative(root, self)) < 0);
  }

  #schemaFor(filePath: string, files: readonly string[], options: ConfigOptions, configKey: string): { schema?: KnownSchema; key: string } {
    if (files.length === 0) return { key: "" };
    const key = [configKey, ...files.map(stamp)].join("\n");
    const cached = this.#schemas.get(filePath);
    if (cached && cached.key === key) return { schema: cached.schema, key };
    const started = Date.now();
    const schema = replaySchema(files, {
      ...options,
      read: (file) => {
        try {
          return readSqlFile(file);
        } catch (error) {
          this.#options.log(`Skipped ${file} for the known schema: ${describe(error)}`);
          return "";
        }
      },
    });
    this.#schemas.set(filePath, { key, schema });
    this.#options.log(`Known schema for ${basename(filePath)}: replayed ${files.length} earlier file(s) in ${Date.now() - started} ms.`);
    return { schema, key };
  }

  async #context(doc: TextDocument): Promise<DocumentContext> {
    const filePath = filePathOf(doc.uri);
    const dir = filePath ? dirname(filePath) : this.#options.fallbackDir;
    const config = await this.#config(dir);
    if (config.error !== undefined) return { options: {}, error: config.error, ignored: false, key: `error:${config.fingerprint}` };
    const options: ConfigOptions = { ...config.options, cwd: dir };
    if (!filePath) return { options, ignored: false, key: config.fingerprint };
    if (await this.#isIgnored(filePath, options, dir)) return { options, ignored: true, filePath, key: `ignored:${config.fingerprint}` };
    const files = await this.#earlierFiles(filePath, options, dir);
    let known: { schema?: KnownSchema; key: string } = { key: "" };
    try {
      known = this.#schemaFor(filePath, files, options, config.fingerprint);
    } catch (error) {
      this.#options.log(`Could not replay the earlier migrations of ${filePath}: ${describe(error)}`);
    }
    return { options, ignored: false, filePath, ...(known.schema ? { knownSchema: known.schema } : {}), key: `${config.fingerprint}\n${known.key}` };
  }

  /** The document's diagnostics (never throws). */
  async diagnostics(doc: TextDocument): Promise<Diagnostic[]> {
    let context: DocumentContext;
    try {
      context = await this.#context(doc);
    } catch (error) {
      this.#options.log(`pgsafe could not prepare ${doc.uri}: ${describe(error)}`);
      return [problemDiagnostic(doc, "internal-error", `pgsafe could not lint this file: ${describe(error)}`)];
    }
    if (context.error !== undefined) return [problemDiagnostic(doc, "config", `pgsafe: ${context.error}`)];
    if (context.ignored) return [];
    const cached = this.#lints.get(doc.uri);
    if (cached && cached.version === doc.version && cached.key === context.key) return cached.diagnostics;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = this.#lint(doc, context);
    } catch (error) {
      this.#options.log(`pgsafe failed on ${doc.uri}: ${error instanceof Error && error.stack ? error.stack : describe(error)}`);
      diagnostics = [problemDiagnostic(doc, "internal-error", `pgsafe could not lint this file: ${describe(error)}`)];
    }
    this.#lints.set(doc.uri, { version: doc.version, key: context.key, diagnostics });
    return diagnostics;
  }

  #lint(doc: TextDocument, context: DocumentContext): Diagnostic[] {
    const text = doc.getText();
    const name = context.filePath ?? `<${doc.uri}>`;
    const result = lintText(text, { ...context.options, filePath: name, ...(context.knownSchema ? { knownSchema: context.knownSchema } : {}) });
    const parsed = parseSql(stripBom(text).text);
    const spans = ignoreSpans(parsed);
    const bom = bomLength(text);
    return result.messages.map((m) => toDiagnostic(doc, m, { bom, spans }));
  }

  /** The hover at `position`: the locks of the statement there, or null (never throws). */
  async hover(doc: TextDocument, position: Position): Promise<Hover | null> {
    try {
      // The lock model needs the config (PostgreSQL version, transactions), not the earlier files.
      const filePath = filePathOf(doc.uri);
      const config = await this.#config(filePath ? dirname(filePath) : this.#options.fallbackDir);
      const context = { filePath, options: config.options ?? {}, key: config.fingerprint };
      const text = doc.getText();
      const bom = bomLength(text);
      const body = stripBom(text).text;
      const offset = doc.offsetAt(position) - bom;
      const base = { pgVersion: context.options.pgVersion, assumeInTransaction: context.options.assumeInTransaction };
      // A migration tool's file: explain the section (up or down) under the cursor with the tool's transaction.
      const plan = planMigration(text, context.filePath, {
        ...(context.options.framework ? { framework: context.options.framework } : {}),
        ...(base.pgVersion !== undefined ? { pgVersion: base.pgVersion } : {}),
        ...(base.assumeInTransaction !== undefined ? { assumeInTransaction: base.assumeInTransaction } : {}),
      });
      const index = plan.framework === "none" ? -1 : plan.sections.findIndex((s) => s.ranges.some(([a, b]) => a <= offset && offset < b));
      const section = index >= 0 ? plan.sections[index] : undefined;
      const key = `${context.key}\n${index}`;
      const cached = this.#explains.get(doc.uri);
      let explained = cached && cached.version === doc.version && cached.key === key ? cached.explained : undefined;
      if (!explained) {
        const source = section ? terminateAt(blankOutside(body, section.ranges), section.statementEnds ?? []) : body;
        const inTransaction = section ? section.wrap === "transaction" || section.wrap === "implicit" : base.assumeInTransaction === true;
        explained = explainText(source, { ...(base.pgVersion !== undefined ? { pgVersion: base.pgVersion } : {}), assumeInTransaction: inTransaction });
        this.#explains.set(doc.uri, { version: doc.version, key, explained });
      }
      return hoverAt(explained, position, bom);
    } catch (error) {
      this.#options.log(`pgsafe hover failed on ${doc.uri}: ${describe(error)}`);
      return null;
    }
  }
}
