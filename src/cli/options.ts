/**
 * Command-line parsing: argv → CliOptions, or a PgsafeUsageError naming the bad argument and the
 * fix. Nothing here loads the linter, so `--help` and `--version` stay instant.
 */
import { reporterNames } from "../reporters/index.js";
import { closest, PgsafeUsageError } from "./errors.js";
import { checkedFramework, FRAMEWORK_OPTIONS, type FrameworkOption } from "../analysis/frameworks/types.js";

export type Command = "lint" | "rules" | "init" | "explain" | "lsp" | "trace" | "stats";

export interface CliOptions {
  command: Command;
  /** Paths, directories and globs (lint); empty means ".". */
  patterns: string[];
  /** Read SQL from stdin (`-`). */
  stdin: boolean;
  stdinFilename?: string;
  format: string;
  outputFile?: string;
  pgVersion?: number;
  assumeInTransaction?: boolean;
  /** `--framework NAME`: the migration tool (default: detected per file). */
  framework?: FrameworkOption;
  include: string[];
  exclude: string[];
  quiet: boolean;
  /** -1: no limit. */
  maxWarnings: number;
  /** undefined: decide from the environment and the terminal. */
  color?: boolean;
  ignorePatterns: string[];
  /** `--changed-since REF`: lint only the files changed since a git ref. */
  changedSince?: string;
  /** `--config F`: the config file to use instead of discovery. */
  configFile?: string;
  /** `--no-config`: use no config file. */
  noConfig: boolean;
  /** `pgsafe init --force`: overwrite an existing config. */
  force: boolean;
  /** `--fix`: apply the safe fixes in place. */
  fix: boolean;
  /** `pgsafe lsp --stdio` (the only transport; accepted because editors pass it). */
  stdio: boolean;
  /** `pgsafe trace --seed FILE`: SQL run after the history and before the checked files. */
  seedFile?: string;
  /** `--stats FILE`: table sizes written by `pgsafe stats`. */
  statsFile?: string;
  /** `pgsafe stats --db-url URL`: the database to read table sizes from. */
  dbUrl?: string;
  /** `pgsafe explain --timeline`: the lock timeline instead of the per-statement table. */
  timeline: boolean;
  /** `--no-unicode`: ASCII drawing only. */
  unicode: boolean;
  /** `--preset NAME`: the rule preset (recommended or strict). */
  preset?: string;
  /** `--jobs N`: worker threads for many files (0: decide from the CPUs and the file count). */
  jobs?: number;
  help: boolean;
  version: boolean;
}

interface OptionSpec {
  /** Takes a value (`--name value` or `--name=value`). */
  value?: string;
  /** The commands it applies to. */
  commands: readonly Command[];
  apply(options: CliOptions, value: string, name: string): void;
  description: string;
}

const LINT: readonly Command[] = ["lint"];
/** Options `pgsafe explain` shares with lint: what to read, how to read it, where to write. */
const LINT_EXPLAIN: readonly Command[] = ["lint", "explain"];
const ALL: readonly Command[] = ["lint", "rules", "explain", "trace", "stats"];
/** Options for reading migrations, shared by lint, explain and trace. */
const READERS: readonly Command[] = ["lint", "explain", "trace"];

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function integer(value: string, name: string, hint: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new PgsafeUsageError(`Invalid value "${value}" for ${name}: ${hint}.`);
  return Number(value);
}

export const OPTIONS: Record<string, OptionSpec> = {
  "--format": {
    value: "NAME",
    commands: ["lint", "rules", "explain", "trace"],
    apply: (o, v) => (o.format = v),
    description: `output format: ${reporterNames.join(", ")} (default text)`,
  },
  "--output-file": {
    value: "FILE",
    commands: [...READERS, "stats"],
    apply: (o, v) => (o.outputFile = v),
    description: "write the report to FILE; for a format other than text, the text report still goes to standard output",
  },
  "--pg-version": {
    value: "N",
    commands: LINT_EXPLAIN,
    apply: (o, v, name) => {
      const n = integer(v, name, "use a PostgreSQL major version from 10 to 19, e.g. --pg-version 16");
      if (n < 10 || n > 19) throw new PgsafeUsageError(`Unsupported PostgreSQL version ${v} for ${name}: use a major version from 10 to 19.`);
      o.pgVersion = n;
    },
    description: "PostgreSQL major version the migrations run on (10-19, default 15)",
  },
  "--assume-in-transaction": {
    commands: READERS,
    apply: (o) => (o.assumeInTransaction = true),
    description: "the migration tool runs each file inside a transaction",
  },
  "--framework": {
    value: "NAME",
    commands: ["lint", "explain", "trace"],
    apply: (o, v, name) => (o.framework = checkedFramework(v, ` for ${name}`)),
    description: `the migration tool, which decides up/down sections and transactions: ${FRAMEWORK_OPTIONS.join(", ")} (default auto: detected per file)`,
  },
  "--include": {
    value: "RULES",
    commands: LINT,
    apply: (o, v) => o.include.push(...list(v)),
    description: "comma-separated rule ids to turn on (opt-in rules run as warnings)",
  },
  "--exclude": {
    value: "RULES",
    commands: LINT,
    apply: (o, v) => o.exclude.push(...list(v)),
    description: "comma-separated rule ids to turn off",
  },
  "--ignore-pattern": {
    value: "GLOB",
    commands: READERS,
    apply: (o, v) => o.ignorePatterns.push(v),
    description: "leave out files matching GLOB (repeatable)",
  },
  "--changed-since": {
    value: "REF",
    commands: LINT,
    apply: (o, v) => (o.changedSince = v),
    description: "lint only migrations added or changed since git REF (committed, staged or untracked); earlier files still feed the known schema",
  },
  "--config": {
    value: "FILE",
    commands: ["lint", "explain", "trace", "lsp"],
    apply: (o, v) => (o.configFile = v),
    description: "use this config file instead of looking for pgsafe.config.json, .pgsaferc.json or package.json \"pgsafe\"",
  },
  "--no-config": {
    commands: ["lint", "explain", "trace", "lsp"],
    apply: (o) => (o.noConfig = true),
    description: "use no config file",
  },
  "--fix": {
    commands: LINT,
    apply: (o) => (o.fix = true),
    description: "apply the safe fixes in place, then report what is left",
  },
  "--preset": {
    value: "NAME",
    commands: LINT,
    apply: (o, v, name) => {
      if (v !== "recommended" && v !== "strict") throw new PgsafeUsageError(`Unknown preset "${v}" for ${name}. Use one of: recommended, strict.`);
      o.preset = v;
    },
    description: "rule preset: recommended (default) or strict (every rule on)",
  },
  "--stats": {
    value: "FILE",
    commands: ["lint"],
    apply: (o, v) => (o.statsFile = v),
    description: "table sizes (written by `pgsafe stats`): severity and messages take the rows a scan or rewrite touches into account",
  },
  "--jobs": {
    value: "N",
    commands: LINT,
    apply: (o, v, name) => {
      const n = integer(v, name, "use a number of worker threads, e.g. --jobs 2 (0: automatic)");
      if (n < 0) throw new PgsafeUsageError(`Invalid value "${v}" for ${name}: use 0 (automatic) or more.`);
      o.jobs = n;
    },
    description: "worker threads for linting many files (default 0: automatic; 1: no workers)",
  },
  "--timeline": {
    commands: ["explain"],
    apply: (o) => (o.timeline = true),
    description: "pgsafe explain: draw the lock timeline (one row per table, one column per statement)",
  },
  "--no-unicode": {
    commands: ["lint", "explain"],
    apply: (o) => (o.unicode = false),
    description: "draw with ASCII characters only",
  },
  "--seed": {
    value: "FILE",
    commands: ["trace"],
    apply: (o, v) => (o.seedFile = v),
    description: "pgsafe trace: SQL file run after the earlier migrations (e.g. rows for the tables), before the checked files",
  },
  "--db-url": {
    value: "URL",
    commands: ["stats"],
    apply: (o, v) => (o.dbUrl = v),
    description: "pgsafe stats: the database to read table sizes from (postgres://user@host:port/db; read-only queries)",
  },
  "--stdio": {
    commands: ["lsp"],
    apply: (o) => (o.stdio = true),
    description: "pgsafe lsp: talk over standard input and output (the default and only transport)",
  },
  "--force": {
    commands: ["init"],
    apply: (o) => (o.force = true),
    description: "pgsafe init: overwrite an existing config file",
  },
  "--stdin-filename": {
    value: "NAME",
    commands: LINT_EXPLAIN,
    apply: (o, v) => (o.stdinFilename = v),
    description: "file name to report for SQL read from stdin (`-`)",
  },
  "--quiet": {
    commands: LINT,
    apply: (o) => (o.quiet = true),
    description: "report errors only (with --fix, fix errors only)",
  },
  "--max-warnings": {
    value: "N",
    commands: LINT,
    apply: (o, v, name) => {
      const n = integer(v, name, "use a number of warnings, e.g. --max-warnings 0");
      if (n < -1) throw new PgsafeUsageError(`Invalid value "${v}" for ${name}: use 0 or more (or -1 for no limit).`);
      o.maxWarnings = n;
    },
    description: "exit with code 1 when there are more than N warnings",
  },
  "--color": {
    commands: ALL,
    apply: (o) => (o.color = true),
    description: "force coloured output",
  },
  "--no-color": {
    commands: ALL,
    apply: (o) => (o.color = false),
    description: "disable coloured output (NO_COLOR and FORCE_COLOR are honoured too)",
  },
  "--version": {
    commands: ALL,
    apply: (o) => (o.version = true),
    description: "print the version",
  },
  "--help": {
    commands: ALL,
    apply: (o) => (o.help = true),
    description: "print this help",
  },
};

const SHORT: Record<string, string> = { "-f": "--format", "-o": "--output-file", "-h": "--help", "-v": "--version" };

const COMMANDS: readonly Command[] = ["lint", "rules", "init", "explain", "lsp", "trace", "stats"];

export function defaultOptions(): CliOptions {
  return {
    command: "lint",
    patterns: [],
    stdin: false,
    format: "text",
    include: [],
    exclude: [],
    quiet: false,
    maxWarnings: -1,
    ignorePatterns: [],
    noConfig: false,
    force: false,
    fix: false,
    stdio: false,
    timeline: false,
    unicode: true,
    help: false,
    version: false,
  };
}

/**
 * Parses the arguments (without `node` and the script). A first argument naming a command is the
 * command; to lint a path spelled like one, write `pgsafe lint rules` or `./rules`.
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options = defaultOptions();
  const positionals: string[] = [];
  const seen: { name: string; spec: OptionSpec }[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const rawName = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const name = SHORT[rawName] ?? rawName;
    const spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (!spec) {
      const guess = closest(name, Object.keys(OPTIONS));
      throw new PgsafeUsageError(`Unknown option "${rawName}".${guess ? ` Did you mean ${guess}?` : ""} Run "pgsafe --help" for the options.`);
    }
    let value: string | undefined;
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      if (!spec.value) throw new PgsafeUsageError(`Option ${name} takes no value (got "${arg}").`);
    } else if (spec.value) {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) {
        throw new PgsafeUsageError(`Option ${name} needs a value: ${name} ${spec.value}.`);
      }
      i++;
    }
    spec.apply(options, value ?? "", name);
    seen.push({ name, spec });
  }

  const first = positionals[0];
  if (first !== undefined && (COMMANDS as readonly string[]).includes(first)) {
    options.command = first as Command;
    positionals.shift();
  }

  if (options.help || options.version) return options;

  for (const { name, spec } of seen) {
    if (!spec.commands.includes(options.command)) {
      throw new PgsafeUsageError(`Option ${name} does not apply to "pgsafe ${options.command}". Run "pgsafe --help" for the options.`);
    }
  }
  if (options.command === "lsp" || options.command === "stats") {
    if (positionals.length > 0) throw new PgsafeUsageError(`"pgsafe ${options.command}" takes no paths (got "${positionals[0]}").`);
    if (options.command === "stats" && options.dbUrl === undefined) throw new PgsafeUsageError(`"pgsafe stats" needs --db-url URL (e.g. --db-url postgres://user@localhost:5432/app).`);
    if (options.configFile !== undefined && options.noConfig) throw new PgsafeUsageError("--config and --no-config cannot be combined: pass one of them.");
    return options;
  }
  if (options.command === "init") {
    if (positionals.length > 0) throw new PgsafeUsageError(`"pgsafe init" takes no paths (got "${positionals[0]}"): run it in the directory that should hold the config.`);
    return options;
  }
  if (options.configFile !== undefined && options.noConfig) throw new PgsafeUsageError("--config and --no-config cannot be combined: pass one of them.");
  if (options.command === "rules") {
    if (positionals.length > 0) throw new PgsafeUsageError(`"pgsafe rules" takes no paths (got "${positionals[0]}").`);
    return options;
  }
  if (positionals.includes("-")) {
    if (positionals.length > 1) throw new PgsafeUsageError(`"-" (read stdin) cannot be combined with paths. Lint stdin and files in separate runs.`);
    if (options.changedSince !== undefined) throw new PgsafeUsageError(`--changed-since applies to files, not to stdin ("-"): pass the migration paths instead.`);
    options.stdin = true;
  } else {
    options.patterns = positionals;
    if (options.stdinFilename !== undefined) throw new PgsafeUsageError(`--stdin-filename only applies when reading stdin: pass "-" as the path.`);
  }
  return options;
}

export function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, spec]) => {
    const short = Object.entries(SHORT).find(([, long]) => long === name)?.[0];
    return [`${short ? `${short}, ` : "    "}${name}${spec.value ? ` ${spec.value}` : ""}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    "pgsafe: find the locks, table rewrites and breaking changes in PostgreSQL migrations before they run.",
    "",
    "Usage:",
    "  pgsafe [lint] [PATH|GLOB ...]   lint files, directories (their *.sql files, in migration order) and globs; default \".\"",
    "  pgsafe [lint] - [--stdin-filename NAME]",
    "                                  lint SQL read from standard input",
    "  pgsafe rules [--format json]    list the rules: id, default severity, category, description, docs",
    "  pgsafe init [--force]           write a starter pgsafe.config.json and print pre-commit / CI snippets",
    "  pgsafe explain [PATH ...|-]     per statement: locks (mode, blocks reads/writes), instant/scan/rewrite,",
    "                                  transaction, how long each lock is held, each up/down migration as its tool",
    "                                  runs it; --format text|json|markdown; exit 1",
    "                                  if a statement does not parse (the rest is still explained); --timeline draws",
    "                                  which lock each table holds across the statements (--no-unicode: ASCII)",
    "  pgsafe trace [PATH ...]         run the migrations in an embedded PostgreSQL 18 (no server needed) and",
    "                                  compare the locks and rewrites it saw with pgsafe's model",
    "  pgsafe stats --db-url URL       read table sizes (rows, bytes) from a database into a file for --stats",
    "  pgsafe lsp [--stdio]            language server for editors, over standard input and output",
    "",
    "Options:",
    ...rows.map(([left, description]) => `  ${left.padEnd(width)}  ${description}`),
    "",
    "Exit codes: 0 no errors (warnings allowed unless over --max-warnings); 1 errors found, or too many warnings;",
    "2 usage, config or I/O problem (unknown option, invalid config, missing path, unreadable file).",
    "",
    "Config: the first pgsafe.config.json, .pgsaferc.json or package.json \"pgsafe\" key found from the working",
    "directory up to the git repository root; options given here override it.",
    "",
  ].join("\n");
}
