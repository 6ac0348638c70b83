/**
 * Finding, reading and validating the config file, and turning it into lint options.
 *
 * Discovery: from the working directory up, the first directory holding `pgsafe.config.json`,
 * `.pgsaferc.json`, or a package.json with a `"pgsafe"` key (checked in that order) wins. The walk
 * stops at the root of the git repository (the first directory holding `.git`, checked itself), or
 * at the file-system root outside a repository, so a stray config above a checkout never applies.
 *
 * Validation (ajv, against src/config/schema.ts) is loaded only when a config file is found.
 */
import { readFileSync, statSync, type Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, posix, relative, resolve } from "node:path";
import { describeFsError, PgsafeUsageError } from "../cli/errors.js";
import type { LintFilesOptions } from "../index.js";
import type { SeverityName } from "../types.js";
import { parseJson } from "./json.js";
import { CONFIG_FILE_NAMES, type PgsafeConfig } from "./schema.js";

export { CONFIG_FILE_NAMES, type PgsafeConfig, type RuleSetting } from "./schema.js";

/** A config problem: exit code 2, with the file (and the key or line) it is about. */
export class PgsafeConfigError extends PgsafeUsageError {
  constructor(
    message: string,
    /** Absolute path of the config file. */
    readonly filePath: string,
    /** JSON pointer of the offending key in that file, for a validation problem. */
    readonly pointer?: string,
    /** 1-based line, for a JSON syntax error. */
    readonly line?: number,
  ) {
    super(message);
    this.name = "PgsafeConfigError";
  }
}

export interface ConfigLocation {
  /** Absolute path of the file. */
  filePath: string;
  /** "package.json": the config is the file's `"pgsafe"` key. */
  kind: "config" | "package.json";
}

/** Lint options read from a config file; command-line flags are applied on top of them. */
export type ConfigOptions = LintFilesOptions;

export interface LoadedConfig {
  /** Absolute path of the file the config came from. */
  filePath: string;
  kind: ConfigLocation["kind"];
  /** The validated config, as written. */
  config: PgsafeConfig;
  /** The config as options for `lintFiles` / `lintText`. */
  options: ConfigOptions;
}

export interface LoadConfigOptions {
  /** Where discovery starts and what relative paths are relative to (default: process.cwd()). */
  cwd?: string;
  /** A config file to use instead of discovery (a package.json means its `"pgsafe"` key). */
  configFile?: string;
}

interface Located extends ConfigLocation {
  text: string;
  /** The parsed package.json, already read to see whether it has a "pgsafe" key. */
  packageJson?: Record<string, unknown>;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

function statFile(path: string, cwd: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw new PgsafeConfigError(`Cannot read "${displayPath(path, cwd)}": ${describeFsError(error)}. Fix its permissions, or pass --no-config.`, path);
  }
}

function readText(path: string, cwd: string, hint: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new PgsafeConfigError(`Cannot read config file "${displayPath(path, cwd)}": ${describeFsError(error)}. ${hint}`, path);
  }
}

function parseOrThrow(text: string, path: string, cwd: string): unknown {
  const parsed = parseJson(text);
  if (parsed.ok) return parsed.value;
  const { line, column, reason } = parsed.problem;
  throw new PgsafeConfigError(`Invalid JSON in "${displayPath(path, cwd)}" at line ${line}, column ${column}: ${reason}.`, path, undefined, line);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function locate(start: string): Located | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      if (statFile(path, start)?.isFile()) return { filePath: path, kind: "config", text: readText(path, start, "Fix its permissions, or pass --no-config.") };
    }
    const pkgPath = join(dir, "package.json");
    if (statFile(pkgPath, start)?.isFile()) {
      const text = readText(pkgPath, start, "Fix its permissions, or pass --no-config.");
      const pkg = parseOrThrow(text, pkgPath, start);
      if (isObject(pkg) && Object.hasOwn(pkg, "pgsafe")) return { filePath: pkgPath, kind: "package.json", text, packageJson: pkg };
    }
    if (statFile(join(dir, ".git"), start) || dirname(dir) === dir) return undefined;
  }
}

/** The config file that applies in `cwd` (see the module comment), or undefined. */
export function findConfigFile(cwd: string = process.cwd()): ConfigLocation | undefined {
  const found = locate(resolve(cwd));
  return found ? { filePath: found.filePath, kind: found.kind } : undefined;
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeDeep(base[key], value);
  return out;
}

/** The options a rule runs with: the configured ones over the rule's defaults (as ESLint merges them). */
function withDefaults(defaults: readonly unknown[] | undefined, given: readonly unknown[]): unknown[] {
  const length = Math.max(defaults?.length ?? 0, given.length);
  return Array.from({ length }, (_, i) => mergeDeep(defaults?.[i], given[i]));
}

/** Ignore patterns relative to the config file's directory, for discovery that runs relative to `cwd`. */
async function rebasePatterns(patterns: readonly string[], configDir: string, cwd: string): Promise<string[]> {
  if (configDir === cwd) return [...patterns];
  const { default: fg } = await import("fast-glob");
  const base = fg.convertPathToPattern(configDir).replace(/\/+$/, "");
  return patterns.map((raw) => {
    const pattern = raw.trim().replace(/\\/g, "/").replace(/^\.\//, "");
    // Without a slash a pattern matches at any depth; absolute and **/ patterns do not depend on where they are.
    if (!pattern.replace(/\/+$/, "").includes("/") || pattern.startsWith("**/") || isAbsolute(pattern)) return raw;
    return posix.normalize(`${base}/${pattern}`);
  });
}

async function toOptions(config: PgsafeConfig, configDir: string, cwd: string): Promise<ConfigOptions> {
  const options: ConfigOptions = {};
  if (config.pgVersion !== undefined) options.pgVersion = config.pgVersion;
  if (config.assumeInTransaction !== undefined) options.assumeInTransaction = config.assumeInTransaction;
  if (config.lockTimeoutSetByRunner !== undefined) options.lockTimeoutSetByRunner = config.lockTimeoutSetByRunner;
  if (config.statementTimeoutSetByRunner !== undefined) options.statementTimeoutSetByRunner = config.statementTimeoutSetByRunner;
  if (config.framework !== undefined) options.framework = config.framework;
  if (config.preset !== undefined) options.preset = config.preset;
  if (config.stats !== undefined) options.stats = resolve(configDir, config.stats);
  if (config.ignorePatterns && config.ignorePatterns.length > 0) options.ignorePatterns = await rebasePatterns(config.ignorePatterns, configDir, cwd);
  if (config.rules) {
    const severities: Record<string, SeverityName> = {};
    const ruleOptions: Record<string, unknown[]> = {};
    for (const [id, setting] of Object.entries(config.rules)) {
      if (typeof setting === "string") {
        severities[id] = setting;
        continue;
      }
      const [severity, ...given] = setting;
      severities[id] = severity;
      if (given.length > 0) {
        const { rules: registry } = await import("../../rules/index.js");
        const defaults = (registry[id as keyof typeof registry]?.meta as { defaultOptions?: unknown[] } | undefined)?.defaultOptions;
        ruleOptions[id] = withDefaults(defaults, given);
      }
    }
    options.rules = severities;
    if (Object.keys(ruleOptions).length > 0) options.ruleOptions = ruleOptions;
  }
  return options;
}

/**
 * Loads the config that applies in `cwd` (or `configFile`), validated against the JSON Schema.
 * Resolves to undefined when there is none; throws a PgsafeConfigError (exit code 2) naming the
 * file and the key or line when it cannot be read or is invalid.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig | undefined> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let found: Located | undefined;
  if (options.configFile !== undefined) {
    if (options.configFile.trim() === "") throw new PgsafeUsageError("--config needs a file name, e.g. --config pgsafe.config.json.");
    const filePath = resolve(cwd, options.configFile);
    const text = readText(filePath, cwd, "Check the --config path.");
    found = { filePath, kind: basename(filePath) === "package.json" ? "package.json" : "config", text };
  } else {
    found = locate(cwd);
  }
  if (!found) return undefined;

  const shown = displayPath(found.filePath, cwd);
  let data = found.packageJson ?? parseOrThrow(found.text, found.filePath, cwd);
  let prefix = "";
  if (found.kind === "package.json") {
    if (!isObject(data) || !Object.hasOwn(data, "pgsafe")) {
      throw new PgsafeConfigError(`"${shown}" has no "pgsafe" key. Add one, or pass a pgsafe.config.json to --config.`, found.filePath, "/pgsafe");
    }
    data = data.pgsafe;
    prefix = "/pgsafe";
  }

  // The rules are loaded only to check a config file against their ids and option schemas.
  const [{ validateConfig }, { rules: registry }] = await Promise.all([import("./validate.js"), import("../../rules/index.js")]);
  const problem = validateConfig(data, registry);
  if (problem) {
    const pointer = prefix + problem.pointer;
    throw new PgsafeConfigError(`Invalid config in "${shown}" at ${pointer || "the top level"}: ${problem.message}`, found.filePath, pointer);
  }
  const config = data as PgsafeConfig;
  return { filePath: found.filePath, kind: found.kind, config, options: await toOptions(config, dirname(found.filePath), cwd) };
}
