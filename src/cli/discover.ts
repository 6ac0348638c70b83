/**
 * Finding the migration files to lint, and putting them in the order migration tools apply them.
 *
 * - A file path is linted as given (whatever its extension).
 * - A directory yields its `*.sql` files, recursively, never under node_modules/, .git/ or other
 *   dot-directories.
 * - A glob (fast-glob syntax) yields the `*.sql` files it matches (or every file it matches when
 *   the glob itself names an extension, e.g. `db/*.pgsql`).
 * - `ignorePatterns` drop files found through directories and globs, and explicitly named files.
 *
 * The result is deduplicated and sorted with `compareMigrationPaths`.
 */
import { realpathSync, statSync, type Stats } from "node:fs";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import type FastGlob from "fast-glob";
import { describeFsError, PgsafeUsageError } from "./errors.js";
import { orderSqitchChanges } from "../analysis/frameworks/sqitch-plan.js";

type FastGlobApi = typeof FastGlob;
let fastGlobModule: FastGlobApi | undefined;

/** fast-glob, loaded only when a directory, glob or ignore pattern needs it (not for plain file paths). */
async function fastGlob(): Promise<FastGlobApi> {
  fastGlobModule ??= (await import("fast-glob")).default;
  return fastGlobModule;
}

export interface DiscoverOptions {
  /** Directory that relative paths, globs and ignore patterns are relative to. */
  cwd?: string;
  /** Globs of files to leave out (relative to cwd; a pattern without `/` matches at any depth). */
  ignorePatterns?: readonly string[];
}

const ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**"];

function toPattern(fg: FastGlobApi, absolutePath: string): string {
  return fg.convertPathToPattern(absolutePath).replace(/\/+$/, "");
}

/** Turns the user's ignore patterns into absolute fast-glob patterns. */
function absoluteIgnores(fg: FastGlobApi, patterns: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (let raw of patterns) {
    raw = raw.trim().replace(/\\/g, "/");
    if (!raw) continue;
    let pattern = raw.replace(/^\.\//, "").replace(/\/+$/, "");
    if (!pattern) continue;
    if (!pattern.includes("/")) pattern = `**/${pattern}`;
    else if (!isAbsolute(pattern) && !pattern.startsWith("**/")) pattern = posix.normalize(`${toPattern(fg, cwd)}/${pattern}`);
    // A pattern naming a directory ignores what is inside it.
    out.push(pattern, `${pattern}/**`);
  }
  return out;
}

function statOrUndefined(path: string, name: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new PgsafeUsageError(`Cannot read "${name}": ${describeFsError(error)}. Check the path and its permissions.`);
  }
}

async function glob(patterns: string[], ignore: string[], dot: boolean, where: string): Promise<string[]> {
  const fg = await fastGlob();
  try {
    return await fg(patterns, { absolute: true, onlyFiles: true, dot, ignore, followSymbolicLinks: true, unique: true });
  } catch (error) {
    throw new PgsafeUsageError(`Cannot search "${where}": ${describeFsError(error)}. Check the permissions, or leave it out with --ignore-pattern.`);
  }
}

/** True when the glob's last segment names a file extension itself (`*.pgsql`), so all its matches are wanted. */
function namesExtension(pattern: string): boolean {
  const last = pattern.split("/").pop() ?? "";
  return /\.[A-Za-z0-9]+$/.test(last);
}

/** The files to lint for the given paths and globs, absolute, deduplicated, in migration order. */
export async function discoverFiles(inputs: readonly string[], options: DiscoverOptions = {}): Promise<string[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const ignorePatterns = options.ignorePatterns?.filter((p) => p.trim() !== "") ?? [];
  const userIgnores = ignorePatterns.length > 0 ? absoluteIgnores(await fastGlob(), ignorePatterns, cwd) : [];
  const found: string[] = [];

  for (const input of inputs.length > 0 ? inputs : ["."]) {
    if (input.trim() === "") throw new PgsafeUsageError("An empty path was given. Pass a file, a directory or a glob.");
    const absolute = resolve(cwd, input);
    const stats = statOrUndefined(absolute, input);
    if (stats?.isDirectory()) {
      const base = toPattern(await fastGlob(), absolute);
      const files = await glob([`${base}/**/*.sql`], [...ALWAYS_IGNORED, ...userIgnores], false, input);
      if (files.length === 0) {
        const unignored = userIgnores.length > 0 ? await glob([`${base}/**/*.sql`], ALWAYS_IGNORED, false, input) : [];
        if (unignored.length === 0) throw new PgsafeUsageError(`No .sql files found in directory "${input}". Pass the directory that holds your migrations.`);
      }
      found.push(...files);
    } else if (stats) {
      // Named explicitly: linted whatever its extension, unless an ignore pattern matches it.
      if (userIgnores.length > 0) {
        const kept = await glob([toPattern(await fastGlob(), absolute)], userIgnores, true, input);
        if (kept.length === 0) continue;
      }
      found.push(absolute);
    } else if ((await fastGlob()).isDynamicPattern(input.replace(/\\/g, "/"))) {
      const posixInput = input.replace(/\\/g, "/");
      const pattern = isAbsolute(input) ? posixInput : posix.normalize(`${toPattern(await fastGlob(), cwd)}/${posixInput}`);
      const all = await glob([pattern], ALWAYS_IGNORED, false, input);
      const wanted = namesExtension(posixInput) ? all : all.filter((f) => f.toLowerCase().endsWith(".sql"));
      if (wanted.length === 0) {
        const hint = all.length > 0 ? " (it matched no .sql file)" : "";
        throw new PgsafeUsageError(`No files matched "${input}"${hint}. Check the glob, and quote it so your shell does not expand it.`);
      }
      const kept = userIgnores.length > 0 ? await glob([pattern], [...ALWAYS_IGNORED, ...userIgnores], false, input) : all;
      const keptSet = new Set(kept);
      found.push(...wanted.filter((f) => keptSet.has(f)));
    } else {
      throw new PgsafeUsageError(`No such file or directory: "${input}". Check the path (it is relative to ${cwd}).`);
    }
  }

  // Deduplicate by absolute path, then by real path (symbolic links to the same file).
  const seen = new Set<string>();
  const seenReal = new Set<string>();
  const unique: string[] = [];
  for (const file of found.map((f) => resolve(f))) {
    if (seen.has(file)) continue;
    seen.add(file);
    let real = file;
    try {
      real = realpathSync.native(file);
    } catch {
      // Unreadable: reading it reports the problem, naming the file.
    }
    if (seenReal.has(real)) continue;
    seenReal.add(real);
    unique.push(file);
  }
  // sqitch applies its changes in the order of its sqitch.plan, not of their names.
  return orderSqitchChanges(sortMigrations(unique, cwd));
}

/** Sorts paths in migration order (see compareMigrationPaths), comparing them relative to `cwd`. */
export function sortMigrations(paths: readonly string[], cwd = process.cwd()): string[] {
  const keyed = paths.map((path) => ({ path, segments: splitPath(relative(cwd, path) || path) }));
  keyed.sort((a, b) => compareSegments(a.segments, b.segments));
  return keyed.map((k) => k.path);
}

function splitPath(path: string): string[] {
  return path.split(sep === "\\" ? /[\\/]/ : "/").filter((s) => s !== "" && s !== ".");
}

/**
 * Orders two migration paths the way migration tools apply them:
 * - folder by folder (Prisma's `<timestamp>_<name>/migration.sql`, Diesel's `<timestamp>_<name>/up.sql`);
 * - numbers compared as numbers, whatever their length (`2_` before `10_`, timestamps of any width);
 * - Flyway `V<version>__<description>.sql` by version (`V1__` < `V1_1__` < `V1_2__` < `V1_10__`), undo
 *   `U<version>__` right after its version, repeatable `R__` migrations after all the others;
 * - for the same version, `up` before `down` (`1_x.up.sql`, `1_x.down.sql`; Diesel's `up.sql`, `down.sql`).
 */
export function compareMigrationPaths(a: string, b: string): number {
  return compareSegments(splitPath(a), splitPath(b));
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    return compareNames(a[i]!, b[i]!);
  }
  return a.length - b.length;
}

const FLYWAY_VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.*)$/;
const FLYWAY_REPEATABLE = /^R__/;
const DIRECTION = /^(.*?)(?:^|\.)(up|down)\.sql$/i;

interface NameKey {
  /** 0 for ordinary and versioned migrations, 1 for Flyway repeatables (they run last). */
  group: number;
  flyway?: { version: string[]; undo: boolean; rest: string };
  /** The name without its up/down marker. */
  base: string;
  /** 0 up, 1 neither, 2 down. */
  direction: number;
}

function keyOf(name: string): NameKey {
  const group = FLYWAY_REPEATABLE.test(name) ? 1 : 0;
  const direction = DIRECTION.exec(name);
  const base = direction ? direction[1]! : name;
  const dir = direction ? (direction[2]!.toLowerCase() === "up" ? 0 : 2) : 1;
  const flyway = FLYWAY_VERSIONED.exec(name);
  return {
    group,
    ...(flyway ? { flyway: { version: flyway[2]!.split(/[._]/), undo: flyway[1] === "U", rest: flyway[3]! } } : {}),
    base,
    direction: dir,
  };
}

function compareNames(a: string, b: string): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka.group !== kb.group) return ka.group - kb.group;
  if (ka.flyway && kb.flyway) {
    const n = Math.max(ka.flyway.version.length, kb.flyway.version.length);
    for (let i = 0; i < n; i++) {
      const va = ka.flyway.version[i];
      const vb = kb.flyway.version[i];
      if (va === undefined || vb === undefined) return va === undefined ? -1 : 1;
      const c = compareDigits(va, vb);
      if (c !== 0) return c;
    }
    if (ka.flyway.undo !== kb.flyway.undo) return ka.flyway.undo ? 1 : -1;
    const c = compareNatural(ka.flyway.rest, kb.flyway.rest);
    if (c !== 0) return c;
  }
  return compareNatural(ka.base, kb.base) || ka.direction - kb.direction || (a < b ? -1 : a > b ? 1 : 0);
}

/** Compares two digit strings as numbers of any length. */
function compareDigits(a: string, b: string): number {
  const ta = a.replace(/^0+(?=\d)/, "");
  const tb = b.replace(/^0+(?=\d)/, "");
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

const CHUNK = /\d+|\D+/g;

/** Natural order: digit runs compared as numbers, other text case-insensitively. */
function compareNatural(a: string, b: string): number {
  const ca = a.match(CHUNK) ?? [];
  const cb = b.match(CHUNK) ?? [];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    let c: number;
    if (dx && dy) c = compareDigits(x, y);
    else if (dx !== dy) c = dx ? -1 : 1;
    else {
      const lx = x.toLowerCase();
      const ly = y.toLowerCase();
      c = lx < ly ? -1 : lx > ly ? 1 : 0;
    }
    if (c !== 0) return c;
  }
  return ca.length - cb.length;
}
