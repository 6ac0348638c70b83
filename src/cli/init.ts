/**
 * `pgsafe init`: writes a starter pgsafe.config.json for the migration framework the project
 * uses, and prints the pre-commit and CI snippets that run pgsafe.
 *
 * Refuses to replace a config that exists in the working directory (pgsafe.config.json,
 * .pgsaferc.json, or package.json "pgsafe") unless --force is given.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import type { FrameworkName } from "../analysis/frameworks/types.js";
import { CONFIG_FILE_NAMES, SCHEMA_PATH, type FrameworkOption } from "../config/schema.js";
import { REPOSITORY_URL } from "../meta.js";
import { reporterNames } from "../reporters/index.js";
import { describeFsError, PgsafeUsageError } from "./errors.js";
import type { CliIo } from "./main.js";
import type { CliOptions } from "./options.js";

export interface LayoutGuess {
  framework: FrameworkOption;
  /** Why: the files or the marker file it was recognised by. */
  evidence: string;
  /** The directory (relative to the project, with `/`) holding most of the migrations, if any. */
  migrationsDir?: string;
}

/** Files that name the tool when no migration file does (Django and Alembic keep no SQL files). */
const MARKER_FILES: readonly [string, FrameworkName][] = [
  ["sqitch.plan", "sqitch"],
  ["prisma/schema.prisma", "prisma"],
  ["flyway.conf", "flyway"],
  ["flyway.toml", "flyway"],
  ["dbconfig.yml", "sql-migrate"],
  ["alembic.ini", "alembic"],
  ["manage.py", "django"],
];

/** At most this many .sql files are read to recognise the tool. */
const MAX_FILES = 500;

function mostCommonDir(files: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const f of files) {
    // Prisma keeps one folder per migration: the migrations folder is the one above.
    const dir = f.endsWith("/migration.sql") && f.includes("/") ? posix.dirname(posix.dirname(f)) : posix.dirname(f);
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Recognises the project's migration tool: each .sql file is asked to the per-file detection of
 * src/analysis/frameworks/ (markers such as `-- +goose Up`, layouts such as `V1__x.sql`), and the
 * tool most files belong to wins; without such files, marker files (sqitch.plan, alembic.ini,
 * manage.py, ...) decide. "auto" when nothing is recognised.
 */
export async function detectProjectFramework(projectDir: string): Promise<LayoutGuess> {
  const [{ default: fg }, { detectFramework }] = await Promise.all([import("fast-glob"), import("../analysis/frameworks/index.js")]);
  const files = (
    await fg("**/*.sql", { cwd: projectDir, ignore: ["**/node_modules/**", "**/.git/**", "**/vendor/**", "**/dist/**"], deep: 8, suppressErrors: true, followSymbolicLinks: false })
  ).sort();
  const votes = new Map<FrameworkName, string[]>();
  for (const file of files.slice(0, MAX_FILES)) {
    const path = join(projectDir, file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    const framework = detectFramework(text, path);
    if (framework) votes.set(framework, [...(votes.get(framework) ?? []), file]);
  }
  const best = [...votes].sort((a, b) => b[1].length - a[1].length)[0];
  const dir = (matching: readonly string[]): { migrationsDir?: string } => {
    const found = mostCommonDir(matching);
    return found !== undefined ? { migrationsDir: found } : {};
  };
  if (best) {
    const [framework, matching] = best;
    return { framework, evidence: `${matching.length} migration file${matching.length === 1 ? "" : "s"}, e.g. ${matching[0]!}`, ...dir(matching) };
  }
  const marker = MARKER_FILES.find(([file]) => existsSync(join(projectDir, file)));
  if (marker) return { framework: marker[1], evidence: marker[0], ...dir(files) };
  return { framework: "auto", evidence: files.length > 0 ? "no migration tool recognised" : "no .sql files found", ...dir(files) };
}

/** `$schema` for the new file: the installed package's schema when pgsafe is a project dependency, else the released one. */
function schemaReference(projectDir: string, version: string): string {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const pkg = join(dir, "node_modules", "pgsafe");
    if (existsSync(join(pkg, SCHEMA_PATH))) {
      const rel = relative(projectDir, join(pkg, SCHEMA_PATH)).split(sep).join("/");
      return rel.startsWith(".") ? rel : `./${rel}`;
    }
    if (dirname(dir) === dir) break;
  }
  const tag = version === "unknown" ? "main" : `v${version}`;
  return `${REPOSITORY_URL.replace("https://github.com/", "https://raw.githubusercontent.com/")}/${tag}/${SCHEMA_PATH}`;
}

/** The starter config's text. */
export function starterConfig(guess: LayoutGuess, schema: string): string {
  const config = { $schema: schema, pgVersion: 15, framework: guess.framework, rules: {} };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A path as a shell word. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What to print after writing the file: how to lint, and the pre-commit and GitHub Actions snippets. */
export function snippets(guess: LayoutGuess, version: string): string {
  const dir = guess.migrationsDir && guess.migrationsDir !== "." ? guess.migrationsDir : undefined;
  const target = shellWord(dir ?? ".");
  const files = dir ? `^${regexEscape(dir)}/.*\\.sql$` : "\\.sql$";
  const rev = version === "unknown" ? "main" : `v${version}`;
  const format = reporterNames.includes("github") ? " --format github" : "";
  return [
    "Lint the migrations:",
    `  npx pgsafe ${target}`,
    "",
    "pre-commit (add to .pre-commit-config.yaml):",
    "  repos:",
    `    - repo: ${REPOSITORY_URL}`,
    `      rev: ${rev}`,
    "      hooks:",
    "        - id: pgsafe",
    `          files: ${files}`,
    "",
    "GitHub Actions (steps of a job, e.g. in .github/workflows/migrations.yml):",
    "      - uses: actions/checkout@v4",
    "      - uses: actions/setup-node@v4",
    "        with:",
    "          node-version: 20",
    `      - run: npx --yes pgsafe@${version === "unknown" ? "latest" : version} ${target}${format}`,
    "",
  ].join("\n");
}

/** Runs `pgsafe init` in `io.cwd`; `version` is pgsafe's own (for the snippets' pinned versions). */
export async function init(options: CliOptions, io: CliIo, version: string): Promise<number> {
  const projectDir = resolve(io.cwd);
  const target = join(projectDir, CONFIG_FILE_NAMES[0]);
  const existing: string[] = CONFIG_FILE_NAMES.filter((name) => existsSync(join(projectDir, name)));
  try {
    const pkg = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as unknown;
    if (pkg && typeof pkg === "object" && Object.hasOwn(pkg, "pgsafe")) existing.push("package.json");
  } catch {
    // No package.json, or not one with a "pgsafe" key that could be in the way.
  }
  if (existing.length > 0 && !options.force) {
    const what = existing[0] === "package.json" ? 'package.json already has a "pgsafe" key' : `${existing[0]} already exists`;
    throw new PgsafeUsageError(`${what}: edit it, or run "pgsafe init --force" to write a new pgsafe.config.json.`);
  }

  const guess = await detectProjectFramework(projectDir);
  try {
    // Without --force, never replace a file that appeared since the check.
    writeFileSync(target, starterConfig(guess, schemaReference(projectDir, version)), { flag: options.force ? "w" : "wx" });
  } catch (error) {
    throw new PgsafeUsageError(`Cannot write "${CONFIG_FILE_NAMES[0]}": ${describeFsError(error)}. Run pgsafe init in a writable directory.`);
  }
  const shadowed = existing.filter((name) => name !== CONFIG_FILE_NAMES[0]);
  const lines = [
    `Wrote ${CONFIG_FILE_NAMES[0]} (framework: ${guess.framework}, ${guess.framework === "auto" ? guess.evidence : `recognised by ${guess.evidence}`}).`,
    ...(shadowed.length > 0 ? [`It takes precedence over ${shadowed.join(" and ")}, which pgsafe no longer reads here.`] : []),
    'Set "pgVersion" to the PostgreSQL major version your database runs (pgsafe assumes 15), and see docs/configuration.md for the other keys.',
    "",
    snippets(guess, version),
  ];
  io.stdout.write(lines.join("\n"));
  return 0;
}
