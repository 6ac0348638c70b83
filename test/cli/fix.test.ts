/**
 * `pgsafe --fix`: fixes are written in place, the report shows what is left, and nothing is
 * changed where a fix would break the migration (CONCURRENTLY in a transaction) or where there is
 * nothing to fix (the file keeps its bytes and modification time).
 */
import { cpSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lintFiles } from "../../src/index.js";
import { makeTree, removeTree, run } from "./helpers.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "fixtures", "examples");
const PAST = new Date("2020-01-01T00:00:00Z");

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) removeTree(root);
});

function tree(files: Record<string, string | Buffer>): string {
  const root = makeTree(files);
  roots.push(root);
  return root;
}

/** Sets every file's modification time to PAST, so that a rewrite shows. */
function age(root: string, files: string[]): void {
  for (const f of files) utimesSync(join(root, f), PAST, PAST);
}

function snapshot(root: string, files: string[]): Map<string, { bytes: Buffer; mtime: number }> {
  return new Map(files.map((f) => [f, { bytes: readFileSync(join(root, f)), mtime: statSync(join(root, f)).mtimeMs }]));
}

describe("pgsafe --fix on fixtures/examples", () => {
  it("rewrites the fixable files, leaves the others untouched, and reports what is left", async () => {
    const root = tree({});
    cpSync(EXAMPLES, join(root, "migrations"), { recursive: true });
    const files = readdirSync(join(root, "migrations")).map((f) => join("migrations", f));
    age(root, files);
    const before = snapshot(root, files);
    const fixable = (await lintFiles(["migrations"], { cwd: root })).filter((r) => r.fixableErrorCount + r.fixableWarningCount > 0);
    expect(fixable.length).toBeGreaterThan(0);
    const fixedFindings = fixable.flatMap((r) => r.messages.filter((m) => m.fix).map((m) => `${r.filePath}:${m.ruleId}:${m.line}`));

    const fixed = await run(["--fix", "migrations"], { cwd: root });
    const after = snapshot(root, files);

    const changed = files.filter((f) => !after.get(f)!.bytes.equals(before.get(f)!.bytes));
    expect(changed.map((f) => join(root, f))).toEqual(fixable.map((r) => r.filePath));
    for (const f of files.filter((x) => !changed.includes(x))) expect(after.get(f)!.mtime, `${f} was not written`).toBe(before.get(f)!.mtime);
    expect(readFileSync(join(root, "migrations", "0005_index_orders_status.sql"), "utf8")).toContain("CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status, created_at);");

    // The fixed files re-lint without the fixed findings, and --fix reported exactly what a plain run now reports.
    const again = await lintFiles(["migrations"], { cwd: root });
    const left = again.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.ruleId}:${m.line}`));
    for (const f of fixedFindings) expect(left).not.toContain(f);
    expect(again.every((r) => r.fixableErrorCount + r.fixableWarningCount === 0)).toBe(true);
    const plain = await run(["migrations"], { cwd: root });
    expect(fixed.stdout).toBe(plain.stdout);
    expect(fixed.code).toBe(plain.code);
    expect(fixed.code).toBe(again.some((r) => r.errorCount > 0) ? 1 : 0);
    expect(fixed.stdout).not.toContain("require-concurrent-index-creation");
    expect(fixed.stdout).not.toContain("potentially fixable");
  });

  it("exits 0 and prints nothing when the fixes leave no finding", async () => {
    const root = tree({ "m/1.sql": "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n" });
    const result = await run(["--fix", "m"], { cwd: root });
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(root, "m/1.sql"), "utf8")).toBe("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
  });

  it("without --fix the report marks the fixable finding and counts it", async () => {
    const root = tree({ "m/1.sql": "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n" });
    const result = await run(["m"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/require-concurrent-index-creation {2}\(fixable\)/);
    expect(result.stdout).toContain("1 error and 0 warnings potentially fixable with the `--fix` option.");
    expect(readFileSync(join(root, "m/1.sql"), "utf8")).toContain("CREATE INDEX users_email_idx");
  });
});

describe("pgsafe --fix never breaks a migration", () => {
  const INDEX = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";

  it.each([
    ["inside BEGIN ... COMMIT", { "m/1.sql": `BEGIN;\n${INDEX}COMMIT;\n` }, []],
    ["with --assume-in-transaction", { "m/1.sql": INDEX }, ["--assume-in-transaction"]],
    ["in a goose migration (goose wraps it in a transaction)", { "m/20240101000000_index.sql": `-- +goose Up\n${INDEX}\n-- +goose Down\nDROP INDEX users_email_idx;\n` }, []],
    ["with --framework golang-migrate (the file runs as one multi-statement query)", { "m/1_index.up.sql": INDEX }, ["--framework", "golang-migrate"]],
  ])("no CONCURRENTLY fix %s: the file is byte-identical and the finding stays", async (_name, files, flags) => {
    const root = tree(files);
    const names = Object.keys(files);
    age(root, names);
    const before = snapshot(root, names);
    const result = await run(["--fix", ...flags, "m"], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("require-concurrent-index-creation");
    expect(result.stdout).not.toContain("(fixable)");
    expect(snapshot(root, names)).toEqual(before);
  });

  it("fixes a goose migration marked NO TRANSACTION, and keeps its markers", async () => {
    const file = "m/20240101000000_index.sql";
    const root = tree({ [file]: `-- +goose NO TRANSACTION\n-- +goose Up\n${INDEX}\n-- +goose Down\nDROP INDEX users_email_idx;\n` });
    const result = await run(["--fix", "m"], { cwd: root });
    expect(readFileSync(join(root, file), "utf8")).toBe(
      "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email_idx;\n",
    );
    expect(result.code).toBe(0);
  });
});

describe("pgsafe --fix keeps the file's encoding and line endings", () => {
  it("a UTF-8 file with a byte-order mark and CRLF line endings", async () => {
    const text = "SET lock_timeout = '2s';\r\nCREATE INDEX users_email_idx ON users (email);\r\n";
    const root = tree({ "m/1.sql": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) });
    await run(["--fix", "m"], { cwd: root });
    const bytes = readFileSync(join(root, "m/1.sql"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toBe(text.replace("INDEX users", "INDEX CONCURRENTLY users"));
  });

  it("a UTF-16 LE file", async () => {
    const text = "SET lock_timeout = '2s';\nDROP INDEX users_email_idx;\n";
    const root = tree({ "m/1.sql": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) });
    await run(["--fix", "m"], { cwd: root });
    const bytes = readFileSync(join(root, "m/1.sql"));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString("utf16le")).toBe("SET lock_timeout = '2s';\nDROP INDEX CONCURRENTLY users_email_idx;\n");
  });
});

describe("pgsafe --fix and a file that is not valid UTF-8", () => {
  it("leaves the file's bytes alone (rewriting it would replace the bad byte too)", async () => {
    const bytes = Buffer.concat([Buffer.from("-- caf"), Buffer.from([0xe9]), Buffer.from("\nSET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n")]);
    const root = tree({ "m/1.sql": bytes });
    const result = await run(["--fix", "m"], { cwd: root });
    expect(readFileSync(join(root, "m/1.sql")).equals(bytes)).toBe(true);
    expect(result.stdout).toContain("require-concurrent-index-creation");
  });
});

describe("pgsafe --fix with stdin", () => {
  it("is refused with exit code 2: there is no file to write", async () => {
    const result = await run(["--fix", "-"], { stdin: "CREATE INDEX i ON t (a);" });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^pgsafe: --fix .*stdin/);
  });
});

describe("pgsafe --quiet --fix", () => {
  const files = {
    // prefer-jsonb (a warning) has a fix: the table is new and nothing else uses the column.
    "m/1_docs.sql": "SET lock_timeout = '2s';\nCREATE TABLE docs (id bigint PRIMARY KEY, payload json);\n",
    // require-concurrent-index-creation (an error) has a fix: CONCURRENTLY, outside a transaction.
    "m/2_index.sql": "SET lock_timeout = '2s';\nCREATE INDEX orders_status_idx ON orders (status);\n",
  };

  it("applies the fixes of errors only, as ESLint does (warnings are not reported)", async () => {
    const root = tree(files);
    const result = await run(["--quiet", "--fix", "--no-config", "m"], { cwd: root });
    expect(readFileSync(join(root, "m/2_index.sql"), "utf8")).toContain("CREATE INDEX CONCURRENTLY orders_status_idx");
    expect(readFileSync(join(root, "m/1_docs.sql"), "utf8")).toBe(files["m/1_docs.sql"]);
    expect(result.stdout).not.toContain("prefer-jsonb");
  });

  it("without --quiet, the warning's fix is applied too", async () => {
    const root = tree(files);
    await run(["--fix", "--no-config", "m"], { cwd: root });
    expect(readFileSync(join(root, "m/1_docs.sql"), "utf8")).toContain("payload jsonb");
    expect(readFileSync(join(root, "m/2_index.sql"), "utf8")).toContain("CREATE INDEX CONCURRENTLY orders_status_idx");
  });

  it("the library: a fix function picks the findings whose fixes are applied", async () => {
    const root = tree(files);
    const errorsOnly = await lintFiles([join(root, "m")], { fix: (m) => m.severity === 2 });
    expect(errorsOnly.map((r) => r.output !== undefined)).toEqual([false, true]);
    const all = await lintFiles([join(root, "m")], { fix: true });
    expect(all.map((r) => r.output !== undefined)).toEqual([true, true]);
  });
});
