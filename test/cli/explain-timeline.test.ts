/**
 * `pgsafe explain --timeline` (text, `--no-unicode`, `--format markdown`, `--format json`),
 * `pgsafe explain --format markdown` without it, and the lock timeline under findings in
 * `pgsafe lint`'s text report (and not in its JSON).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExplainedFile } from "../../src/explain.js";
import type { LockTimeline } from "../../src/timeline.js";
import { mermaidBlocks, parseGantt } from "../reporters/mermaid-gantt-grammar.js";
import { makeTree, removeTree, run } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MIGRATION = "fixtures/explain/0042_invoices_and_order_status.sql";
const ASCII = /^[\x20-\x7e\n]*$/;

describe("pgsafe explain --timeline", () => {
  it("text: the timeline instead of the per-statement table", async () => {
    const r = await run(["explain", "--timeline", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 7)).toEqual([
      MIGRATION,
      "stmt       1-2 3  4  5  6  7  8  9-10  11 12 13",
      "line       2-3 4  9  10 11 12 14 16-17 18 19 20",
      "tx         T1  T1 T1 T1 T1 T1 -  T2    T2 T2 T2",
      "orders     ·   ▓▓▓▓▓▓████████ ░░ ·     ·  ·  ·",
      "invoices   ·   ·  ░░░░░░░░░░░ ·  ·     ·  ·  ·",
      "customers  ·   ·  ·  ·  ·  ·  ·  ·     ████████",
    ]);
    expect(r.stdout).not.toContain("Held until");
    expect(r.stdout).toContain("customers  ACCESS EXCLUSIVE        from line 18 (statement 11) to COMMIT at line 20  blocks reads and writes from line 18\n");
  });

  it("--no-unicode: ASCII only", async () => {
    const r = await run(["explain", "--timeline", "--no-unicode", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(ASCII);
    expect(r.stdout).toContain("\norders     .   ======######## -- .     .  .  .\n");
    expect(r.stdout).toContain("\n# blocks reads and writes   = blocks writes   - blocks neither (or a new table)   . no lock\n");
  });

  it("--no-unicode also keeps the per-statement table ASCII", async () => {
    const r = await run(["explain", "--no-unicode", MIGRATION], { cwd: ROOT });
    expect(r.stdout).toMatch(ASCII);
    expect(r.stdout).toContain("  CREATE TABLE invoices (id bigint...   T1");
  });

  it("--color paints the glyphs", async () => {
    const r = await run(["explain", "--timeline", "--color", MIGRATION], { cwd: ROOT });
    expect(r.stdout).toContain("\u001b[31m████████\u001b[39m");
  });

  it("--format markdown: a table, the spans and a valid Mermaid gantt block", async () => {
    const r = await run(["explain", "--timeline", "--format", "markdown", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`### \`${MIGRATION}\`\n\n| line | 2–3 | 4 | 9 |`)).toBe(true);
    expect(r.stdout).toContain("- `customers`: ACCESS EXCLUSIVE from line 18 (statement 11) to COMMIT at line 20, blocks reads and writes from line 18\n");
    const [block, ...more] = mermaidBlocks(r.stdout);
    expect(more).toEqual([]);
    expect(parseGantt(block!).sections.map((s) => s.name)).toEqual(["orders", "invoices", "customers"]);
    expect(block).toContain(`title Lock timeline of ${MIGRATION}\n`);
  });

  it("--format markdown --no-unicode: ASCII only, still valid Mermaid", async () => {
    const r = await run(["explain", "--timeline", "--format", "markdown", "--no-unicode", MIGRATION], { cwd: ROOT });
    expect(r.stdout).toMatch(ASCII);
    for (const block of mermaidBlocks(r.stdout)) expect(() => parseGantt(block)).not.toThrow();
  });

  it("--format json: a `timeline` per file; without --timeline the JSON is unchanged", async () => {
    const r = await run(["explain", "--timeline", "--format", "json", MIGRATION], { cwd: ROOT });
    const [file] = JSON.parse(r.stdout) as (ExplainedFile & { timeline: LockTimeline })[];
    expect(file!.timeline.rows.map((row) => [row.label, row.spans.map((s) => `${s.mode} ${s.fromLine}-${s.toLine}`)])).toEqual([
      ["orders", ["ACCESS EXCLUSIVE 4-12", "SHARE UPDATE EXCLUSIVE 14-14"]],
      ["invoices", ["SHARE 9-12"]],
      ["customers", ["ACCESS EXCLUSIVE 18-20"]],
    ]);
    const plain = await run(["explain", "--format", "json", MIGRATION], { cwd: ROOT });
    expect(Object.keys((JSON.parse(plain.stdout) as object[])[0]!)).toEqual(["file", "statements", "transactions", "errors"]);
  });

  it("--output-file with markdown: the file gets Markdown, the terminal the text timeline", async () => {
    const root = makeTree({ "m/1.sql": "BEGIN;\nALTER TABLE a ADD COLUMN x int;\nUPDATE a SET x = 1;\nCOMMIT;\n" });
    try {
      const r = await run(["explain", "--timeline", "--format", "markdown", "--output-file", "out.md", "m/1.sql"], { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("\na     ·  ████████\n");
      const { readFileSync } = await import("node:fs");
      expect(readFileSync(join(root, "out.md"), "utf8")).toContain("```mermaid\ngantt\n");
    } finally {
      removeTree(root);
    }
  });
});

describe("docs/locks.md", () => {
  it("shows the real output of `pgsafe explain --timeline` and its Mermaid chart", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync(join(ROOT, "docs", "locks.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Lock timeline"));
    const example = /```text\n\$ pgsafe explain --timeline (\S+)\n([\s\S]*?)```/.exec(section);
    expect(example?.[1]).toBe(MIGRATION);
    expect(example?.[2]).toBe((await run(["explain", "--timeline", MIGRATION], { cwd: ROOT })).stdout);
    const markdown = (await run(["explain", "--timeline", "--format", "markdown", MIGRATION], { cwd: ROOT })).stdout;
    expect(mermaidBlocks(section)).toEqual(mermaidBlocks(markdown));
  });
});

describe("pgsafe explain --format markdown (without --timeline)", () => {
  it("a table of the statements and the transactions' lock windows", async () => {
    const r = await run(["explain", "--format", "markdown", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      `### \`${MIGRATION}\``,
      "",
      "| Line | Statement | Tx | Work | Relation | Lock | Blocks | Held until |",
      "|--:|---|---|---|---|---|---|---|",
      "| 2 | `BEGIN` | T1 | instant | – | | | |",
    ]);
    expect(r.stdout).toContain("| 11 | `ALTER TABLE orders ALTER COLUMN qua…` | T1 | rewrite | `orders` | ACCESS EXCLUSIVE | reads, writes | COMMIT (line 12) |\n");
    expect(r.stdout).toContain("- **T1** BEGIN on line 2, COMMIT on line 12\n  - `orders` ACCESS EXCLUSIVE, lines 4-12: blocks writes from line 4, reads from line 10\n");
    expect(mermaidBlocks(r.stdout)).toEqual([]);
  });

  it("escapes what would break the table", async () => {
    const r = await run(["explain", "--format", "markdown", "-", "--stdin-filename", "a|b.sql"], { stdin: 'ALTER TABLE "x|y" ADD COLUMN "`z`" int;\n' });
    expect(r.stdout).toContain("### `a\\|b.sql`");
    expect(r.stdout).toContain("| `x\\|y` | ACCESS EXCLUSIVE |");
  });

  it("unknown formats list markdown", async () => {
    const r = await run(["explain", "--format", "sarif", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Use one of: text, json, markdown.');
  });
});

describe("pgsafe lint: the lock timeline under a file's findings", () => {
  let root = "";
  beforeAll(() => {
    root = makeTree({
      "db/1_held.sql": "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nUPDATE users SET note = 'x' WHERE id < 10;\nCOMMIT;\n",
      "db/2_single.sql": "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCREATE INDEX users_note_idx ON users (note);\nCOMMIT;\n",
    });
  });
  afterAll(() => removeTree(root));

  it("text: only for the file that holds a blocking lock across statements", async () => {
    const r = await run(["db"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("db/1_held.sql  lock timeline: locks that block reads or writes while other statements run\n  stmt   1  2  3  4\n");
    expect(r.stdout).toContain("\n  users  ·  ████████\n");
    expect(r.stdout).not.toContain("db/2_single.sql  lock timeline");
  });

  it("--no-unicode draws it in ASCII", async () => {
    const r = await run(["db", "--no-unicode"], { cwd: root });
    expect(r.stdout).toContain("\n  users  .  ########\n");
  });

  it("json: unchanged, no timeline", async () => {
    const r = await run(["db", "--format", "json"], { cwd: root });
    expect(r.stdout).not.toContain("lockTimeline");
    expect(r.stdout).not.toContain("timeline");
  });
});
