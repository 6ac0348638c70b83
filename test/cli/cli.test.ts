/**
 * The command line, run in-process: exit codes, every flag, stdin, discovery errors and the
 * one-line messages for usage and I/O problems.
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { helpText, parseArgs } from "../../src/cli/options.js";
import { useColor } from "../../src/cli/main.js";
import { makeTree, removeTree, run, SAFE_SQL, UNSAFE_SQL } from "./helpers.js";

const WARN_SQL = "-- pgsafe-ignore\nSELECT 1;\n";
const SYNTAX_ERROR_SQL = "SELEC 1;\n";
const ESC = "\u001b[";

/** Every usage/I-O failure: exit 2, one line on stderr, no stack trace, nothing on stdout. */
function expectUsageError(result: { code: number; stdout: string; stderr: string }, ...parts: string[]): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr.endsWith("\n")).toBe(true);
  expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/^pgsafe: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const part of parts) expect(result.stderr).toContain(part);
}

let root: string;
beforeAll(() => {
  root = makeTree({
    "clean/0001_init.sql": SAFE_SQL,
    "unsafe/0001_init.sql": SAFE_SQL,
    "unsafe/0002_index.sql": UNSAFE_SQL,
    "warn/0001_warn.sql": WARN_SQL,
    "warn/0002_warn.sql": WARN_SQL,
    "broken/0001_broken.sql": SYNTAX_ERROR_SQL,
    "empty-dir/README.md": "no migrations here",
    "binary/0001_blob.sql": Buffer.from([0x53, 0x45, 0x4c, 0x00, 0x01, 0x02]),
    "mixed/0001_init.sql": SAFE_SQL,
    "mixed/0002_index.sql": UNSAFE_SQL,
    "mixed/notes.txt": "not sql",
    "mixed/node_modules/pkg/0003_vendor.sql": SYNTAX_ERROR_SQL,
    "mixed/.git/0004_hidden.sql": SYNTAX_ERROR_SQL,
    "mixed/old/0000_legacy.sql": SYNTAX_ERROR_SQL,
    "custom.psql": UNSAFE_SQL,
  });
});
afterAll(() => removeTree(root));

describe("exit codes", () => {
  it("0 and no output for clean files", async () => {
    const r = await run(["clean"], { cwd: root });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("1 for an error-severity finding, with the report on stdout", async () => {
    const r = await run(["unsafe"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("unsafe/0002_index.sql:2:1  error  ");
    expect(r.stdout).toContain("require-concurrent-index-creation");
    expect(r.stdout).toMatch(/✖ 1 problem \(1 error, 0 warnings\)\n {2}1 error and 0 warnings potentially fixable with the `--fix` option\.\n$/);
  });

  it("1 for a syntax error", async () => {
    const r = await run(["broken"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("syntax-error");
  });

  it("0 for warnings only", async () => {
    const r = await run(["warn"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("warning");
    expect(r.stdout).toContain("unused-ignore");
    expect(r.stdout).toMatch(/✖ 2 problems \(0 errors, 2 warnings\)/);
  });

  it("lints the current directory by default", async () => {
    const r = await run([], { cwd: join(root, "unsafe") });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("0002_index.sql:2:1");
  });

  it("accepts the explicit lint command", async () => {
    const r = await run(["lint", "clean"], { cwd: root });
    expect(r.code).toBe(0);
  });
});

describe("--max-warnings and --quiet", () => {
  it("exits 1 when warnings exceed --max-warnings, saying so on stderr", async () => {
    const r = await run(["warn", "--max-warnings", "1"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pgsafe found too many warnings (2, maximum: 1).\n");
  });

  it("exits 0 when warnings are within --max-warnings", async () => {
    expect((await run(["warn", "--max-warnings=2"], { cwd: root })).code).toBe(0);
  });

  it("-1 means no limit", async () => {
    expect((await run(["warn", "--max-warnings", "-1"], { cwd: root })).code).toBe(0);
  });

  it("rejects a non-number", async () => {
    expectUsageError(await run(["warn", "--max-warnings", "lots"], { cwd: root }), "--max-warnings", "lots");
  });

  it("--quiet reports errors only, and warnings then do not count", async () => {
    const warn = await run(["warn", "--quiet", "--max-warnings", "0"], { cwd: root });
    expect(warn).toEqual({ code: 0, stdout: "", stderr: "" });
    const both = await run(["warn", "unsafe", "--quiet"], { cwd: root });
    expect(both.code).toBe(1);
    expect(both.stdout).not.toMatch(/\d+:\d+ {2}warning {2}/);
    expect(both.stdout).toMatch(/✖ 1 problem \(1 error, 0 warnings\)/);
  });
});

describe("discovery", () => {
  it("directories yield *.sql recursively, never node_modules or .git, in order", async () => {
    const r = await run(["mixed", "--format", "json"], { cwd: root });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((f) => f.filePath.slice(root.length + 1));
    expect(files).toEqual(["mixed/0001_init.sql", "mixed/0002_index.sql", "mixed/old/0000_legacy.sql"]);
  });

  it("--ignore-pattern leaves files out (repeatable; a bare name matches at any depth)", async () => {
    const r = await run(["mixed", "--format", "json", "--ignore-pattern", "old", "--ignore-pattern", "mixed/0002_*.sql"], { cwd: root });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((f) => f.filePath.slice(root.length + 1));
    expect(files).toEqual(["mixed/0001_init.sql"]);
    expect(r.code).toBe(0);
  });

  it("globs match .sql files; quoted globs are expanded by pgsafe", async () => {
    const r = await run(["mixed/**/*", "--format", "json"], { cwd: root });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((f) => f.filePath.slice(root.length + 1));
    expect(files).toEqual(["mixed/0001_init.sql", "mixed/0002_index.sql", "mixed/old/0000_legacy.sql"]);
  });

  it("explicit files are linted whatever their extension, and duplicates only once", async () => {
    const r = await run(["custom.psql", "./custom.psql", "unsafe/0002_index.sql", "unsafe", "--format", "json"], { cwd: root });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((f) => f.filePath.slice(root.length + 1));
    expect(files).toEqual(["custom.psql", "unsafe/0001_init.sql", "unsafe/0002_index.sql"]);
  });

  it("a missing path is exit 2 naming it", async () => {
    expectUsageError(await run(["nope/0001.sql"], { cwd: root }), '"nope/0001.sql"', "No such file or directory");
  });

  it("a glob that matches nothing is exit 2 naming it", async () => {
    expectUsageError(await run(["missing/*.sql"], { cwd: root }), '"missing/*.sql"', "No files matched");
  });

  it("a directory without .sql files is exit 2 naming it", async () => {
    expectUsageError(await run(["empty-dir"], { cwd: root }), '"empty-dir"', "No .sql files");
  });

  it("a binary file is exit 2 naming it", async () => {
    expectUsageError(await run(["binary"], { cwd: root }), "binary/0001_blob.sql", "binary");
  });

  it("a path through a file (a file used as a directory) is exit 2 naming it", async () => {
    expectUsageError(await run(["clean/0001_init.sql/x.sql"], { cwd: root }), "clean/0001_init.sql/x.sql");
  });

  it("an unreadable path (symbolic-link loop) is exit 2 naming it", async () => {
    const dir = makeTree({});
    symlinkSync(join(dir, "loop.sql"), join(dir, "loop.sql"));
    try {
      expectUsageError(await run(["loop.sql"], { cwd: dir }), '"loop.sql"', "symbolic links");
    } finally {
      removeTree(dir);
    }
  });

  it.skipIf(process.getuid?.() === 0)("a file without read permission is exit 2 naming it", async () => {
    const dir = makeTree({ "0001_secret.sql": SAFE_SQL });
    chmodSync(join(dir, "0001_secret.sql"), 0o000);
    try {
      expectUsageError(await run(["0001_secret.sql"], { cwd: dir }), "0001_secret.sql", "permission denied");
    } finally {
      chmodSync(join(dir, "0001_secret.sql"), 0o644);
      removeTree(dir);
    }
  });
});

describe("migration order", () => {
  const order = async (files: Record<string, string>, args: string[] = ["."]): Promise<string[]> => {
    const dir = makeTree(files);
    try {
      const r = await run([...args, "--format", "json"], { cwd: dir });
      return (JSON.parse(r.stdout) as { filePath: string }[]).map((f) => f.filePath.slice(dir.length + 1));
    } finally {
      removeTree(dir);
    }
  };

  it("numeric prefixes compare as numbers: 2_ before 10_", async () => {
    expect(await order({ "10_c.sql": SAFE_SQL, "2_b.sql": SAFE_SQL, "1_a.sql": SAFE_SQL })).toEqual(["1_a.sql", "2_b.sql", "10_c.sql"]);
  });

  it("timestamps of different widths, and up before down of the same version", async () => {
    const files = {
      "20240101120000_b.down.sql": SAFE_SQL,
      "20240101120000_b.up.sql": SAFE_SQL,
      "9_a.up.sql": SAFE_SQL,
      "9_a.down.sql": SAFE_SQL,
      "20240101120000000001_c.up.sql": SAFE_SQL,
    };
    expect(await order(files)).toEqual(["9_a.up.sql", "9_a.down.sql", "20240101120000_b.up.sql", "20240101120000_b.down.sql", "20240101120000000001_c.up.sql"]);
  });

  it("Flyway: by version, undo after its version, repeatables last", async () => {
    const files = {
      "R__views.sql": SAFE_SQL,
      "V1_10__ten.sql": SAFE_SQL,
      "V1_2__two.sql": SAFE_SQL,
      "V1__init.sql": SAFE_SQL,
      "V2__next.sql": SAFE_SQL,
      "U2__next.sql": SAFE_SQL,
      "V1.3__three.sql": SAFE_SQL,
    };
    expect(await order(files)).toEqual(["V1__init.sql", "V1_2__two.sql", "V1.3__three.sql", "V1_10__ten.sql", "V2__next.sql", "U2__next.sql", "R__views.sql"]);
  });

  it("Prisma: by migration folder", async () => {
    const files = {
      "prisma/migrations/20240110000000_add_index/migration.sql": SAFE_SQL,
      "prisma/migrations/20231201000000_init/migration.sql": SAFE_SQL,
      "prisma/migrations/20240102000000_add_column/migration.sql": SAFE_SQL,
    };
    expect(await order(files, ["prisma/migrations"])).toEqual([
      "prisma/migrations/20231201000000_init/migration.sql",
      "prisma/migrations/20240102000000_add_column/migration.sql",
      "prisma/migrations/20240110000000_add_index/migration.sql",
    ]);
  });

  it("Diesel-style folders: up.sql before down.sql", async () => {
    const files = {
      "migrations/2024-01-10-000000_b/down.sql": SAFE_SQL,
      "migrations/2024-01-10-000000_b/up.sql": SAFE_SQL,
      "migrations/2023-12-01-000000_a/up.sql": SAFE_SQL,
    };
    expect(await order(files)).toEqual(["migrations/2023-12-01-000000_a/up.sql", "migrations/2024-01-10-000000_b/up.sql", "migrations/2024-01-10-000000_b/down.sql"]);
  });

  it("explicitly named files are put in migration order too", async () => {
    expect(await order({ "10_c.sql": SAFE_SQL, "2_b.sql": SAFE_SQL }, ["10_c.sql", "2_b.sql"])).toEqual(["2_b.sql", "10_c.sql"]);
  });
});

describe("stdin", () => {
  it("lints SQL from stdin with `-`", async () => {
    const r = await run(["-"], { stdin: UNSAFE_SQL });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("<stdin>:2:1  error");
  });

  it("--stdin-filename names it in the report", async () => {
    const r = await run(["-", "--stdin-filename", "db/0007_index.sql", "--format", "json"], { stdin: UNSAFE_SQL, cwd: root });
    const [result] = JSON.parse(r.stdout) as { filePath: string }[];
    expect(result!.filePath).toBe(join(root, "db/0007_index.sql"));
    const text = await run(["-", "--stdin-filename", "db/0007_index.sql"], { stdin: UNSAFE_SQL, cwd: root });
    expect(text.stdout).toContain("db/0007_index.sql:2:1  error");
  });

  it("clean stdin exits 0 silently", async () => {
    expect(await run(["-"], { stdin: SAFE_SQL })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("binary stdin is exit 2", async () => {
    expectUsageError(await run(["-"], { stdin: Buffer.from([0, 1, 2, 3]) }), "standard input", "binary");
  });

  it("`-` cannot be mixed with paths, and --stdin-filename needs `-`", async () => {
    expectUsageError(await run(["-", "clean"], { cwd: root }), '"-"');
    expectUsageError(await run(["clean", "--stdin-filename", "x.sql"], { cwd: root }), "--stdin-filename");
  });
});

describe("--format and --output-file", () => {
  it("json is an ESLint-compatible array", async () => {
    const r = await run(["unsafe", "--format", "json"], { cwd: root });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; range?: unknown }[]; errorCount: number }[];
    expect(results).toHaveLength(2);
    expect(results[1]!.messages[0]!.ruleId).toBe("require-concurrent-index-creation");
    expect(results[1]!.messages[0]!.range).toBeUndefined();
    expect(results[1]!.errorCount).toBe(1);
  });

  it("-f is --format", async () => {
    const r = await run(["clean", "-f", "json"], { cwd: root });
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it("an unknown format is exit 2 listing the known ones", async () => {
    expectUsageError(await run(["clean", "--format", "xml"], { cwd: root }), '"xml"', "text", "json");
  });

  it("--output-file writes the report there (creating folders); stdout gets the text report", async () => {
    const r = await run(["unsafe", "--format", "json", "--output-file", "reports/out/pgsafe.json"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe((await run(["unsafe"], { cwd: root })).stdout);
    const written = JSON.parse(readFileSync(join(root, "reports/out/pgsafe.json"), "utf8")) as unknown[];
    expect(written).toHaveLength(2);
  });

  it("--output-file never gets colours unless --color is given", async () => {
    await run(["unsafe", "-o", "reports/plain.txt"], { cwd: root, env: { FORCE_COLOR: "1" }, isTTY: true });
    expect(readFileSync(join(root, "reports/plain.txt"), "utf8")).not.toContain(ESC);
    await run(["unsafe", "-o", "reports/color.txt", "--color"], { cwd: root });
    expect(readFileSync(join(root, "reports/color.txt"), "utf8")).toContain(ESC);
  });

  it("an --output-file that is a directory is exit 2 naming it", async () => {
    mkdirSync(join(root, "reports-dir"), { recursive: true });
    expectUsageError(await run(["unsafe", "--output-file", "reports-dir"], { cwd: root }), '"reports-dir"', "directory");
  });
});

describe("--pg-version, --assume-in-transaction, --include, --exclude", () => {
  it("accepts 10 to 19", async () => {
    expect((await run(["clean", "--pg-version", "10"], { cwd: root })).code).toBe(0);
    expect((await run(["clean", "--pg-version=19"], { cwd: root })).code).toBe(0);
  });

  it.each(["9", "20", "15.2", "fifteen", ""])("rejects --pg-version %j", async (value) => {
    expectUsageError(await run(["clean", `--pg-version=${value}`], { cwd: root }), "--pg-version", "10", "19");
  });

  it("a missing value is exit 2", async () => {
    expectUsageError(await run(["clean", "--pg-version"], { cwd: root }), "--pg-version needs a value");
    expectUsageError(await run(["clean", "--format", "--quiet"], { cwd: root }), "--format needs a value");
  });

  it("--assume-in-transaction reaches the rules", async (ctx) => {
    if (!("transaction-nesting" in rules)) return ctx.skip("transaction-nesting is not registered yet");
    // With the file wrapped in the tool's transaction, its own BEGIN is nested.
    const sql = "BEGIN;\nSELECT 1;\nCOMMIT;\n";
    const ids = (out: string) => (JSON.parse(out) as { messages: { ruleId: string }[] }[])[0]!.messages.map((m) => m.ruleId);
    expect(ids((await run(["-", "--format", "json"], { stdin: sql })).stdout)).not.toContain("transaction-nesting");
    expect(ids((await run(["-", "--format", "json", "--assume-in-transaction"], { stdin: sql })).stdout)).toContain("transaction-nesting");
  });

  it("--exclude turns rules off (comma-separated and repeatable)", async () => {
    const r = await run(["unsafe", "--exclude", "require-concurrent-index-creation,syntax-error", "--exclude", "unused-ignore"], { cwd: root });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--include turns an opt-in rule on at warn", async (ctx) => {
    const optIn = Object.entries(rules).find(([, rule]) => rule.meta.docs.defaultSeverity === "off")?.[0];
    if (!optIn) return ctx.skip("no opt-in rule is registered yet");
    const r = await run(["-", "--include", optIn, "--format", "json", "--exclude", "syntax-error"], { stdin: "SELECT 1;" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("an unknown rule id in --include or --exclude is exit 2 naming it", async () => {
    expectUsageError(await run(["clean", "--include", "no-such-rule"], { cwd: root }), '"no-such-rule"', "--include");
    expectUsageError(await run(["clean", "--exclude", "syntax-eror"], { cwd: root }), '"syntax-eror"', "--exclude", 'Did you mean "syntax-error"?');
  });
});

describe("colour", () => {
  it("is off when stdout is not a terminal, on with --color", async () => {
    expect((await run(["unsafe"], { cwd: root })).stdout).not.toContain(ESC);
    expect((await run(["unsafe", "--color"], { cwd: root })).stdout).toContain(ESC);
  });

  it("is on for a terminal, unless NO_COLOR or --no-color", async () => {
    expect((await run(["unsafe"], { cwd: root, isTTY: true })).stdout).toContain(ESC);
    expect((await run(["unsafe"], { cwd: root, isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain(ESC);
    expect((await run(["unsafe", "--no-color"], { cwd: root, isTTY: true })).stdout).not.toContain(ESC);
  });

  it("FORCE_COLOR turns it on without a terminal; FORCE_COLOR=0 off", async () => {
    expect((await run(["unsafe"], { cwd: root, env: { FORCE_COLOR: "1" } })).stdout).toContain(ESC);
    expect((await run(["unsafe"], { cwd: root, isTTY: true, env: { FORCE_COLOR: "0" } })).stdout).not.toContain(ESC);
  });

  it("useColor: flags beat the environment; FORCE_COLOR beats NO_COLOR; TERM=dumb is plain", () => {
    expect(useColor(false, { FORCE_COLOR: "1" }, true)).toBe(false);
    expect(useColor(true, { NO_COLOR: "1" }, false)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(useColor(undefined, { NO_COLOR: "" }, true)).toBe(true);
    expect(useColor(undefined, { TERM: "dumb" }, true)).toBe(false);
  });
});

describe("usage errors, --help, --version, rules", () => {
  it("an unknown option is exit 2 with a suggestion", async () => {
    expectUsageError(await run(["--formt", "json"]), '"--formt"', "--format");
    expectUsageError(await run(["--frobnicate"]), '"--frobnicate"', "pgsafe --help");
  });

  it("a flag that takes no value rejects one", async () => {
    expectUsageError(await run(["--quiet=yes"]), "--quiet takes no value");
  });

  it("a command without what it needs is exit 2 saying what to add", async () => {
    expectUsageError(await run(["stats"]), "--db-url");
    expectUsageError(await run(["lsp", "migrations"]), "takes no paths");
  });

  it("--help lists every option; -h too", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--format", "--output-file", "--pg-version", "--assume-in-transaction", "--include", "--exclude", "--quiet", "--max-warnings", "--color", "--no-color", "--ignore-pattern", "--stdin-filename", "--version"]) {
      expect(r.stdout).toContain(flag);
    }
    expect((await run(["-h"])).stdout).toBe(helpText());
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("`rules` lists every rule with default, category, description and docs link", async () => {
    const r = await run(["rules"]);
    expect(r.code).toBe(0);
    for (const [id, rule] of Object.entries(rules)) {
      const line = r.stdout.split("\n").find((l) => l.startsWith(`${id} `));
      expect(line, id).toBeDefined();
      expect(line).toContain(rule.meta.docs.defaultSeverity);
      expect(line).toContain(rule.meta.docs.category);
      expect(line).toContain(rule.meta.docs.description);
      expect(r.stdout).toContain(rule.meta.docs.url);
    }
  });

  it("`rules --format json`", async () => {
    const r = await run(["rules", "--format", "json"]);
    const list = JSON.parse(r.stdout) as { id: string; defaultSeverity: string; url: string }[];
    expect(list.map((e) => e.id)).toEqual(Object.keys(rules));
    expect(list[0]).toMatchObject({ defaultSeverity: expect.any(String), url: expect.stringContaining("docs/rules/") });
  });

  it("lint-only options do not apply to `rules`", async () => {
    expectUsageError(await run(["rules", "--quiet"]), "--quiet", "pgsafe rules");
    expectUsageError(await run(["rules", "some/path"]), "takes no paths");
    expectUsageError(await run(["rules", "--format", "sarif"]), '"sarif"');
  });

  it("internal errors are one line, with the stack only under DEBUG=pgsafe", async () => {
    const dir = makeTree({ "0001.sql": SAFE_SQL });
    const failing = { write: () => { throw new Error("disk on fire\nsecond line"); }, isTTY: false };
    const { main } = await import("../../src/cli/main.js");
    let stderr = "";
    const io = (env: Record<string, string>) => ({ stdout: failing, stderr: { write: (s: string) => (stderr += s) }, stdin: Readable.from([]), env, cwd: dir });
    writeFileSync(join(dir, "0002.sql"), UNSAFE_SQL);
    try {
      expect(await main(["."], io({}))).toBe(2);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).toContain("internal error: disk on fire");
      expect(stderr).toContain("DEBUG=pgsafe");
      stderr = "";
      expect(await main(["."], io({ DEBUG: "pgsafe" }))).toBe(2);
      expect(stderr).toMatch(/\n\s+at /);
    } finally {
      removeTree(dir);
    }
  });

  it("parseArgs: `--` ends the options", () => {
    expect(parseArgs(["--", "--weird-name.sql"]).patterns).toEqual(["--weird-name.sql"]);
  });
});
