/**
 * `pgsafe explain` and the `explain` / `explainText` library functions: the text table and the JSON
 * for a realistic migration (snapshots), transactions and how long locks are held, tables and
 * indexes created in the file, positions, syntax errors, the command line (options, exit codes,
 * output file, colour, stdin) and what the command loads.
 * test/cli/explain-locks.pglite.test.ts checks every lock-model form.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain, explainText, type ExplainedFile, type ExplainStatement } from "../../src/explain.js";
import { explain as explainFromIndex, explainText as explainTextFromIndex, PgsafeUsageError } from "../../src/index.js";
import { analyzeMigration } from "../../src/analysis/context.js";
import { parseSql } from "../../src/parser/parse.js";
import explainTextReport from "../../src/reporters/explain-text.js";
import { makeTree, removeTree, run } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MIGRATION = "fixtures/explain/0042_invoices_and_order_status.sql";
const ESC = "\u001b[";

/** The statement starting on `line`. */
function at(file: ExplainedFile, line: number): ExplainStatement {
  const statement = file.statements.find((s) => s.line === line);
  if (!statement) throw new Error(`no statement on line ${line}`);
  return statement;
}

/** `relation kind mode` of each lock of the statement on `line`. */
function locksAt(file: ExplainedFile, line: number): string[] {
  return at(file, line).locks.map((l) => `${l.relation} ${l.kind} ${l.mode}${l.new ? " new" : ""}`);
}

describe("a realistic migration: two transactions, three tables, a rewrite, a scan, CONCURRENTLY outside a transaction", () => {
  it("text: one aligned row per lock, then each transaction's lock windows", async () => {
    const r = await run(["explain", MIGRATION], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatchInlineSnapshot(`
      "fixtures/explain/0042_invoices_and_order_status.sql
      Line  Statement                             Tx  Work     Relation   Lock                    Blocks         Held until
      ----  ------------------------------------  --  -------  ---------  ----------------------  -------------  ----------------
         2  BEGIN                                 T1  instant  -
         3  SET LOCAL lock_timeout = '2s'         T1  instant  -
         4  CREATE TABLE invoices (id bigint GE…  T1  instant  orders     SHARE ROW EXCLUSIVE     writes         COMMIT (line 12)
         9  CREATE INDEX invoices_order_id_idx…   T1  scan     invoices   SHARE                   none (new)     COMMIT (line 12)
        10  ALTER TABLE orders ADD COLUMN statu…  T1  instant  orders     ACCESS EXCLUSIVE        reads, writes  COMMIT (line 12)
        11  ALTER TABLE orders ALTER COLUMN qua…  T1  rewrite  orders     ACCESS EXCLUSIVE        reads, writes  COMMIT (line 12)
        12  COMMIT                                T1  instant  -
        14  CREATE INDEX CONCURRENTLY orders_st…  -   scan     orders     SHARE UPDATE EXCLUSIVE  none           end of statement
        16  BEGIN                                 T2  instant  -
        17  SET LOCAL lock_timeout = '2s'         T2  instant  -
        18  ALTER TABLE customers ADD CONSTRAIN…  T2  instant  customers  ACCESS EXCLUSIVE        reads, writes  COMMIT (line 20)
        19  ALTER TABLE customers VALIDATE CONS…  T2  scan     customers  SHARE UPDATE EXCLUSIVE  none           COMMIT (line 20)
        20  COMMIT                                T2  instant  -

      Transactions
        T1  BEGIN on line 2, COMMIT on line 12
            orders     ACCESS EXCLUSIVE  lines 4-12   blocks writes from line 4, reads from line 10
            invoices   SHARE             lines 9-12   new table: nobody uses it yet
        T2  BEGIN on line 16, COMMIT on line 20
            customers  ACCESS EXCLUSIVE  lines 18-20  blocks reads and writes from line 18
        -   no transaction: each statement's locks are released when it ends
      "
    `);
  });

  it("json: the documented shape", async () => {
    const r = await run(["explain", MIGRATION, "--format", "json"], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("}]\n")).toBe(true);
    const [file, ...rest] = JSON.parse(r.stdout) as ExplainedFile[];
    expect(rest).toEqual([]);
    await expect(`${JSON.stringify(file, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/explain-0042.json");

    expect(Object.keys(file!)).toEqual(["file", "statements", "transactions", "errors"]);
    expect(file!.file).toBe(MIGRATION);
    for (const s of file!.statements) {
      expect(Object.keys(s).slice(0, 8)).toEqual(["line", "column", "endLine", "endColumn", "text", "transaction", "effect", "locks"]);
      for (const l of s.locks) expect(Object.keys(l).slice(0, 4)).toEqual(["relation", "mode", "blocksReads", "blocksWrites"]);
    }
    const t1 = { id: 1, kind: "explicit", beginLine: 2, endLine: 12, outcome: "commit" };
    expect(at(file!, 4)).toMatchObject({ line: 4, column: 1, endLine: 8, endColumn: 2, transaction: t1, effect: "instant" });
    expect(at(file!, 4).text).toMatch(/^CREATE TABLE invoices \(\n {2}id bigint/);
    expect(at(file!, 4).locks).toEqual([
      {
        relation: "orders",
        mode: "SHARE ROW EXCLUSIVE",
        blocksReads: false,
        blocksWrites: true,
        kind: "table",
        new: false,
        effect: "instant",
        form: "create-table-foreign-key",
        heldUntil: { kind: "commit", line: 12 },
      },
    ]);
    expect(at(file!, 9)).toMatchObject({ effect: "scan", locks: [{ relation: "invoices", mode: "SHARE", new: true, blocksWrites: true }] });
    expect(at(file!, 11)).toMatchObject({ effect: "rewrite", locks: [{ relation: "orders", mode: "ACCESS EXCLUSIVE", blocksReads: true, form: "alter-table-alter-column-type" }] });
    expect(at(file!, 14)).toMatchObject({
      transaction: null,
      effect: "scan",
      locks: [{ relation: "orders", mode: "SHARE UPDATE EXCLUSIVE", blocksReads: false, blocksWrites: false, heldUntil: { kind: "statement" } }],
    });
    expect(at(file!, 19)).toMatchObject({ transaction: { id: 2, beginLine: 16, endLine: 20 }, effect: "scan" });
    expect(at(file!, 12)).toMatchObject({ text: "COMMIT", effect: "instant", locks: [] });
    expect(file!.transactions.map((t) => t.locks.map((w) => [w.relation, w.mode, w.fromLine, w.writesBlockedFromLine, w.readsBlockedFromLine]))).toEqual([
      [
        ["orders", "ACCESS EXCLUSIVE", 4, 4, 10],
        ["invoices", "SHARE", 9, 9, null],
      ],
      [["customers", "ACCESS EXCLUSIVE", 18, 18, 18]],
    ]);
    expect(file!.errors).toEqual([]);
  });

  it("is the example of docs/locks.md", async () => {
    const doc = readFileSync(join(ROOT, "docs", "locks.md"), "utf8");
    const section = doc.slice(doc.indexOf("## pgsafe explain"));
    const example = /```text\n\$ pgsafe explain (\S+)\n([\s\S]*?)```/.exec(section);
    expect(example?.[1]).toBe(MIGRATION);
    expect(example?.[2]).toBe((await run(["explain", MIGRATION], { cwd: ROOT })).stdout);
  });

  it("--assume-in-transaction: the tool's transaction runs up to the file's first COMMIT", async () => {
    const r = await run(["explain", MIGRATION, "--format", "json", "--assume-in-transaction"], { cwd: ROOT });
    const [file] = JSON.parse(r.stdout) as ExplainedFile[];
    expect(at(file!, 10).transaction).toEqual({ id: 1, kind: "assumed", beginLine: null, endLine: 12, outcome: "commit" });
    expect(at(file!, 10).locks[0]!.heldUntil).toEqual({ kind: "commit", line: 12 });
    expect(at(file!, 14).transaction).toBeNull();
    expect(at(file!, 18).transaction).toMatchObject({ id: 2, kind: "explicit", beginLine: 16 });
    const text = await run(["explain", MIGRATION, "--assume-in-transaction"], { cwd: ROOT });
    expect(text.stdout).toContain("  T1  assumed (the migration tool's), from the first statement, COMMIT on line 12\n");
  });
});

describe("explainText", () => {
  it("marks locks on tables created earlier in the file as new, in any earlier transaction", () => {
    const file = explainText(
      ["BEGIN;", "CREATE TABLE a (id int);", "COMMIT;", "ALTER TABLE a ADD COLUMN b int;", "ALTER TABLE app.a ADD COLUMN b int;", 'ALTER TABLE "A" ADD COLUMN b int;'].join("\n"),
    );
    expect(locksAt(file, 2)).toEqual([]);
    expect(locksAt(file, 4)).toEqual(["a table ACCESS EXCLUSIVE new"]);
    expect(locksAt(file, 5)).toEqual(["app.a table ACCESS EXCLUSIVE"]);
    expect(locksAt(file, 6)).toEqual(["A table ACCESS EXCLUSIVE"]);
    expect(at(file, 4).locks[0]).toMatchObject({ blocksReads: true, blocksWrites: true, heldUntil: { kind: "statement" } });
  });

  it("names an index's table when the file created the index, else the lock is on the table of the index", () => {
    const file = explainText(
      [
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
        "DROP INDEX users_email_idx;",
        "DROP INDEX legacy_idx;",
        "CREATE TABLE events (id int);",
        "CREATE INDEX events_id_idx ON events (id);",
        "REINDEX INDEX events_id_idx;",
        "REINDEX TABLE users;",
        "ALTER INDEX legacy_idx SET TABLESPACE fast;",
      ].join("\n"),
    );
    expect(locksAt(file, 2)).toEqual(["users table ACCESS EXCLUSIVE", "users_email_idx index ACCESS EXCLUSIVE"]);
    expect(at(file, 2).locks[0]).toMatchObject({ index: "users_email_idx", form: "drop-index" });
    expect(locksAt(file, 3)).toEqual(["legacy_idx table-of-index ACCESS EXCLUSIVE", "legacy_idx index ACCESS EXCLUSIVE"]);
    expect(locksAt(file, 6)).toEqual(["events table SHARE new", "events_id_idx index ACCESS EXCLUSIVE new"]);
    expect(locksAt(file, 7)).toEqual(["users table SHARE", "users indexes-of-table ACCESS EXCLUSIVE"]);
    expect(at(file, 7).effect).toBe("scan");
    expect(locksAt(file, 8)).toEqual(["legacy_idx index ACCESS EXCLUSIVE"]);
    expect(at(file, 8).effect).toBe("rewrite");
  });

  it("reports the locks the lint engine's migration context computes", () => {
    const sql = [
      "CREATE TABLE a (id int, c varchar(10));",
      "ALTER TABLE a ALTER COLUMN c TYPE varchar(20);",
      "ALTER TABLE b ADD CONSTRAINT b_a_fkey FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;",
      "UPDATE b SET x = 1 FROM c WHERE c.id = b.id;",
    ].join("\n");
    const migration = analyzeMigration(parseSql(sql), { pgVersion: 15 });
    const file = explainText(sql);
    for (const [i, statement] of file.statements.entries()) {
      const expected = migration.facts(i).allLocks.map((l) => [l.relation.label, l.mode, l.effect, l.form]);
      expect(statement.locks.map((l) => [l.relation, l.mode, l.effect, l.form]), statement.text).toEqual(expected);
    }
  });

  it("applies the lock of the configured PostgreSQL version", () => {
    const sql = "ALTER INDEX users_email_idx RENAME TO users_email_key;\nALTER TABLE users ADD COLUMN flag boolean DEFAULT false;";
    expect(locksAt(explainText(sql, { pgVersion: 11 }), 1)).toEqual(["users_email_idx index ACCESS EXCLUSIVE"]);
    expect(locksAt(explainText(sql, { pgVersion: 12 }), 1)).toEqual(["users_email_idx index SHARE UPDATE EXCLUSIVE"]);
    expect(at(explainText(sql, { pgVersion: 10 }), 2).effect).toBe("rewrite");
    expect(at(explainText(sql), 2).effect).toBe("instant");
    for (const pgVersion of [9, 20, 15.5]) expect(() => explainText(sql, { pgVersion })).toThrow(PgsafeUsageError);
  });

  it("holds locks until the statement that ends the transaction: COMMIT, END, ROLLBACK, AND CHAIN, PREPARE", () => {
    const file = explainText(
      [
        "BEGIN;",
        "LOCK TABLE a;",
        "COMMIT AND CHAIN;",
        "LOCK TABLE a IN SHARE MODE;",
        "END;",
        "START TRANSACTION;",
        "LOCK TABLE b;",
        "ROLLBACK;",
        "BEGIN;",
        "LOCK TABLE c;",
        "PREPARE TRANSACTION 'x';",
        "BEGIN;",
        "LOCK TABLE d IN ROW EXCLUSIVE MODE;",
      ].join("\n"),
    );
    expect(at(file, 2).locks[0]!.heldUntil).toEqual({ kind: "commit", line: 3 });
    expect(at(file, 4).locks[0]!.heldUntil).toEqual({ kind: "commit", line: 5 });
    expect(at(file, 7).locks[0]!.heldUntil).toEqual({ kind: "rollback", line: 8 });
    expect(at(file, 10).locks[0]!.heldUntil).toEqual({ kind: "prepare", line: 11 });
    expect(at(file, 13).locks[0]!.heldUntil).toEqual({ kind: "end-of-file" });
    expect(file.transactions.map(({ id, kind, beginLine, endLine, outcome }) => [id, kind, beginLine, endLine, outcome])).toEqual([
      [1, "explicit", 1, 5, "commit"],
      [2, "explicit", 6, 8, "rollback"],
      [3, "explicit", 9, 11, "prepare"],
      [4, "explicit", 12, null, null],
    ]);
    // COMMIT AND CHAIN releases the locks: "a" has one window up to line 3 and another up to line 5.
    expect(file.transactions[0]!.locks.map((w) => [w.relation, w.mode, w.fromLine, w.heldUntil])).toEqual([
      ["a", "ACCESS EXCLUSIVE", 2, { kind: "commit", line: 3 }],
      ["a", "SHARE", 4, { kind: "commit", line: 5 }],
    ]);
    expect(file.transactions[3]!.locks[0]).toMatchObject({ relation: "d", mode: "ROW EXCLUSIVE", readsBlockedFromLine: null, writesBlockedFromLine: null });
  });

  it("explains statements that lock nothing as instant, with no locks", () => {
    const file = explainText("SET lock_timeout = '1s';\nCREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\nSELECT 1;");
    expect(file.statements.map((s) => [s.line, s.effect, s.locks.length, s.transaction])).toEqual([
      [1, "instant", 0, null],
      [2, "instant", 0, null],
      [3, "instant", 0, null],
      [4, "instant", 0, null],
    ]);
    expect(file.transactions).toEqual([]);
  });

  it("gives positions as lint does: 1-based lines, UTF-16 columns, after a byte-order mark, CRLF and emoji", () => {
    const file = explainText("\uFEFF-- 🐘 ünïcode\r\nSELECT '🐘'; ALTER TABLE t\r\n  ADD COLUMN n int;\r\n");
    expect(file.statements.map(({ line, column, endLine, endColumn, text }) => ({ line, column, endLine, endColumn, text }))).toEqual([
      { line: 2, column: 1, endLine: 2, endColumn: 12, text: "SELECT '🐘'" },
      { line: 2, column: 14, endLine: 3, endColumn: 19, text: "ALTER TABLE t\r\n  ADD COLUMN n int" },
    ]);
  });

  it("lists statements that do not parse and explains the rest", () => {
    const file = explainText("ALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ADD COLUMN;\nCREATE INDEX a_b_idx ON a (b);\n");
    expect(file.errors).toEqual([{ line: 2, column: 19, endLine: 2, endColumn: 25, message: "syntax error at end of input" }]);
    expect(file.statements.map((s) => [s.line, s.effect, s.locks[0]?.mode])).toEqual([
      [1, "instant", "ACCESS EXCLUSIVE"],
      [3, "scan", "SHARE"],
    ]);
  });

  it("explains the statements of DO blocks and EXECUTE strings where they run, marked as such", () => {
    const file = explainText("BEGIN;\nDO $$\nBEGIN\n  ALTER TABLE a ADD COLUMN b int;\n  EXECUTE 'CREATE INDEX a_b_idx ON a (b)';\nEND $$;\nCOMMIT;\n");
    const held = (s: ExplainStatement): string[] => s.locks.map((l) => `${l.relation} ${l.mode} until ${JSON.stringify(l.heldUntil)}`);
    expect(file.statements.map((s) => [s.line, s.hiddenIn, s.effect, held(s)])).toEqual([
      [1, undefined, "instant", []],
      [2, undefined, "instant", []],
      [4, { kind: "do", line: 2, runByLine: 2 }, "instant", ['a ACCESS EXCLUSIVE until {"kind":"commit","line":7}']],
      [5, { kind: "execute", line: 2, runByLine: 2 }, "scan", ['a SHARE until {"kind":"commit","line":7}']],
      [7, undefined, "instant", []],
    ]);
    expect(explainTextReport([file], { color: false })).toContain("\n   5  (in EXECUTE) CREATE INDEX a_b_idx O…  T1  scan     a ");
  });

  it("holds the locks of a DO block or called function outside a transaction until that statement ends", () => {
    const file = explainText(
      [
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE a ADD COLUMN b int; END $$;",
        "SELECT f();",
        "DO $$ BEGIN LOCK TABLE z; END $$;",
      ].join("\n"),
    );
    expect(file.statements.map((s) => [s.line, s.hiddenIn, s.transaction?.id, s.locks.map((l) => [l.relation, l.heldUntil])])).toEqual([
      [1, undefined, undefined, []],
      [2, undefined, undefined, []],
      [1, { kind: "function", line: 1, runByLine: 2 }, 1, [["a", { kind: "block", line: 2 }]]],
      [3, undefined, undefined, []],
      [3, { kind: "do", line: 3, runByLine: 3 }, 2, [["z", { kind: "block", line: 3 }]]],
    ]);
    expect(file.transactions.map(({ id, kind, runByLine }) => [id, kind, runByLine])).toEqual([
      [1, "implicit", 2],
      [2, "implicit", 3],
    ]);
    const text = explainTextReport([file], { color: false });
    expect(text).toContain("\n   1  (called on line 2) ALTER TABLE a AD…  T1  instant  a  ");
    expect(text).toContain("  end of block (line 2)\n");
    expect(text).toContain("\n  T2  the DO block or call on line 3 runs it as its own transaction (until it ends or its code commits)\n      z  ACCESS EXCLUSIVE  line 3 ");
  });
});

describe("explain", () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({
      "db/10_c.sql": "CREATE INDEX c_idx ON c (x);\n",
      "db/2_b.sql": "ALTER TABLE b ADD COLUMN x int;\n",
      "db/old/1_a.sql": "DROP TABLE a;\n",
    });
  });
  afterAll(() => removeTree(root));

  it("explains files in migration order, named relative to cwd; a string is SQL text", async () => {
    const files = await explain(["db"], { cwd: root, ignorePatterns: ["old"] });
    expect(files.map((f) => [f.file, f.statements[0]!.locks[0]!.relation])).toEqual([
      [join("db", "2_b.sql"), "b"],
      [join("db", "10_c.sql"), "c"],
    ]);
    expect(await explain("DROP TABLE a;", { filePath: "x.sql" })).toEqual([explainText("DROP TABLE a;", { filePath: "x.sql" })]);
    expect(explainText("SELECT 1").file).toBe("<text>");
    await expect(explain(["nope"], { cwd: root })).rejects.toThrow(PgsafeUsageError);
    await expect(explain(["db"], { cwd: root, pgVersion: 8 })).rejects.toThrow(/from 10 to 19/);
  });

  it("is exported by the library entry point", () => {
    expect(explainFromIndex).toBe(explain);
    expect(explainTextFromIndex).toBe(explainText);
  });
});

describe("a migration tool's file is explained as the tool runs it", () => {
  const GOOSE = [
    "-- +goose Up",
    "CREATE TABLE accounts (id bigint PRIMARY KEY);",
    "ALTER TABLE orders ADD COLUMN account_id bigint;",
    "",
    "-- +goose Down",
    "ALTER TABLE orders DROP COLUMN account_id;",
    "DROP TABLE accounts;",
    "",
  ].join("\n");
  let root: string;
  beforeAll(() => {
    root = makeTree({
      "db/20240101120000_accounts.sql": GOOSE,
      "db/20240102120000_index.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_account_idx ON orders (account_id);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY orders_account_idx;\n",
      "flyway/V3__widen.sql": "ALTER TABLE orders ALTER COLUMN note TYPE text;\nALTER TABLE orders ADD COLUMN paid boolean;\n",
      "configured/pgsafe.config.json": JSON.stringify({ framework: "none", pgVersion: 11 }),
      "configured/db/20240101120000_accounts.sql": GOOSE,
      "configured/db/2_attach.sql": "ALTER TABLE p ATTACH PARTITION p3 FOR VALUES FROM (1) TO (2);\n",
    });
  });
  afterAll(() => removeTree(root));

  it("each up and down migration on its own, in the transaction the tool opens", async () => {
    const files = await explain(["db"], { cwd: root });
    expect(files.map((f) => [f.file, f.migration, f.statements.map((s) => s.line), f.transactions.map((t) => t.kind)])).toEqual([
      [join("db", "20240101120000_accounts.sql"), { framework: "goose", direction: "up" }, [2, 3], ["assumed"]],
      [join("db", "20240101120000_accounts.sql"), { framework: "goose", direction: "down" }, [6, 7], ["assumed"]],
      [join("db", "20240102120000_index.sql"), { framework: "goose", direction: "up" }, [3], []],
      [join("db", "20240102120000_index.sql"), { framework: "goose", direction: "down" }, [6], []],
    ]);
    // The up migration's locks are held to the end of the tool's transaction, not past it into the down.
    const [up, down] = files;
    expect(up!.statements[1]!.locks[0]).toMatchObject({ relation: "orders", mode: "ACCESS EXCLUSIVE", heldUntil: { kind: "end-of-file" } });
    expect(down!.statements.map((s) => s.text)).toEqual(["ALTER TABLE orders DROP COLUMN account_id", "DROP TABLE accounts"]);
    // The index migration runs without a transaction: each lock ends with its statement.
    expect(files[2]!.statements[0]!.transaction).toBeNull();
  });

  it("recognises the tool from the file name as lint does; framework none explains the file as psql runs it", async () => {
    const [flyway] = await explain(["flyway"], { cwd: root });
    expect(flyway).toMatchObject({ migration: { framework: "flyway", direction: "up" }, transactions: [{ kind: "assumed" }] });
    const [plain, ...rest] = await explain(["db/20240101120000_accounts.sql"], { cwd: root, framework: "none" });
    expect(rest).toEqual([]);
    expect(plain!.migration).toBeUndefined();
    expect(plain!.statements.map((s) => [s.line, s.transaction])).toEqual([
      [2, null],
      [3, null],
      [6, null],
      [7, null],
    ]);
    // SQL text: named by filePath, or recognised from its content.
    expect((await explain(GOOSE)).map((f) => f.migration?.direction)).toEqual(["up", "down"]);
    expect((await explain("ALTER TABLE a ADD COLUMN b int;\n", { filePath: "V1__a.sql" }))[0]!.transactions[0]!.kind).toBe("assumed");
    await expect(explain(GOOSE, { framework: "gose" as never })).rejects.toThrow('Unknown framework "gose". Did you mean "goose"?');
  });

  it("command line: --framework, the text and markdown headings, stdin named by --stdin-filename", async () => {
    const text = await run(["explain", "db/20240101120000_accounts.sql"], { cwd: root });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^db\/20240101120000_accounts\.sql \(goose, up\)\nLine {2}/);
    expect(text.stdout).toContain("\n\ndb/20240101120000_accounts.sql (goose, down)\nLine  ");
    const markdown = await run(["explain", "db/20240101120000_accounts.sql", "--format", "markdown"], { cwd: root });
    expect(markdown.stdout).toContain("### `db/20240101120000_accounts.sql` (goose, down)\n");
    const none = await run(["explain", "db/20240101120000_accounts.sql", "--framework", "none", "--format", "json"], { cwd: root });
    expect((JSON.parse(none.stdout) as ExplainedFile[]).map((f) => f.migration)).toEqual([undefined]);
    const stdin = await run(["explain", "-", "--stdin-filename", "flyway/V4__x.sql", "--format", "json"], { cwd: root, stdin: "ALTER TABLE a ADD COLUMN b int;\n" });
    expect((JSON.parse(stdin.stdout) as ExplainedFile[])[0]).toMatchObject({ file: "flyway/V4__x.sql", migration: { framework: "flyway" }, transactions: [{ kind: "assumed" }] });
    const bad = await run(["explain", "db", "--framework", "gose"], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown framework "gose" for --framework. Did you mean "goose"?');
  });

  it("reads the config file as lint does (framework, pgVersion); flags override it, --no-config leaves it", async () => {
    const json = async (args: string[]): Promise<ExplainedFile[]> => JSON.parse((await run(["explain", "db", "--format", "json", ...args], { cwd: join(root, "configured") })).stdout) as ExplainedFile[];
    const configured = await json([]);
    expect(configured.map((f) => f.migration)).toEqual([undefined, undefined]);
    expect(configured.find((f) => f.file.endsWith("2_attach.sql"))!.statements[0]!.locks[0]!.mode).toBe("ACCESS EXCLUSIVE");
    const flags = await json(["--framework", "auto", "--pg-version", "12"]);
    expect(flags.map((f) => f.migration?.direction)).toEqual([undefined, "up", "down"]);
    expect(flags[0]!.statements[0]!.locks[0]!.mode).toBe("SHARE UPDATE EXCLUSIVE");
    const noConfig = await json(["--no-config"]);
    expect(noConfig.map((f) => f.migration?.direction)).toEqual([undefined, "up", "down"]);
    expect(noConfig[0]!.statements[0]!.locks[0]!.mode).toBe("SHARE UPDATE EXCLUSIVE");
  });
});

describe("pgsafe explain (command line)", () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({
      "m/1_ok.sql": "ALTER TABLE a ADD COLUMN b int;\n",
      "m/2_broken.sql": "ALTER TABLE a ADD COLUMN;\nDROP INDEX a_idx;\n",
      "empty.sql": "-- nothing yet\n",
    });
  });
  afterAll(() => removeTree(root));

  it("exits 1 when a statement does not parse, still explaining the rest", async () => {
    const r = await run(["explain", "m"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${join("m", "1_ok.sql")}\nLine  `);
    expect(r.stdout).toMatch(/\n {3}2 {2}DROP INDEX a_idx {2}- {3}instant {2}table of a_idx {2}ACCESS EXCLUSIVE {2}reads, writes {2}end of statement\n/);
    expect(r.stdout).toContain("Not explained (syntax errors)\n  line 1:19  syntax error at end of input\n");
    const json = await run(["explain", "m/2_broken.sql", "--format", "json"], { cwd: root });
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as ExplainedFile[])[0]!.errors).toHaveLength(1);
  });

  it("exits 0 for a file without statements", async () => {
    const r = await run(["explain", "empty.sql"], { cwd: root });
    expect(r).toEqual({ code: 0, stdout: "empty.sql\nNo statements.\n", stderr: "" });
  });

  it.each([
    [["explain", "m/1_ok.sql", "--format", "sarif"], 'Unknown format "sarif" for "pgsafe explain". Use one of: text, json, markdown.'],
    [["explain", "m/1_ok.sql", "--quiet"], 'Option --quiet does not apply to "pgsafe explain"'],
    [["explain", "m/1_ok.sql", "--include", "ban-truncate"], 'Option --include does not apply to "pgsafe explain"'],
    [["explain", "m/1_ok.sql", "--pg-version", "9"], "Unsupported PostgreSQL version 9"],
    [["explain", "no/such.sql"], 'No such file or directory: "no/such.sql"'],
    [["explain", "m/1_ok.sql", "-"], '"-" (read stdin) cannot be combined with paths'],
  ])("exits 2 on usage errors: %j", async (args, message) => {
    const r = await run(args, { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it("--pg-version changes the locks", async () => {
    const sql = "ALTER TABLE p ATTACH PARTITION p3 FOR VALUES FROM (1) TO (2);\n";
    const mode = async (args: string[]): Promise<string> =>
      (JSON.parse((await run(["explain", "-", "--format", "json", ...args], { cwd: root, stdin: sql })).stdout) as ExplainedFile[])[0]!.statements[0]!.locks[0]!.mode;
    expect(await mode(["--pg-version", "11"])).toBe("ACCESS EXCLUSIVE");
    expect(await mode(["--pg-version", "12"])).toBe("SHARE UPDATE EXCLUSIVE");
  });

  it("reads stdin, named by --stdin-filename", async () => {
    const r = await run(["explain", "-", "--stdin-filename", "db/0001.sql", "--format", "json"], { cwd: root, stdin: "TRUNCATE a;\n" });
    expect(r.code).toBe(0);
    const [file] = JSON.parse(r.stdout) as ExplainedFile[];
    expect(file).toMatchObject({ file: "db/0001.sql", statements: [{ line: 1, effect: "instant", locks: [{ relation: "a", mode: "ACCESS EXCLUSIVE", form: "truncate" }] }] });
    expect((await run(["explain", "-"], { cwd: root, stdin: "SELECT 1;\n" })).stdout).toMatch(/^<stdin>\n/);
  });

  it("writes the report to --output-file, without colour unless --color", async () => {
    const r = await run(["explain", "m/1_ok.sql", "--output-file", "out/explain.txt"], { cwd: root, isTTY: true });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const written = readFileSync(join(root, "out", "explain.txt"), "utf8");
    expect(written).toContain("ALTER TABLE a ADD COLUMN b int  -   instant  a         ACCESS EXCLUSIVE  reads, writes  end of statement\n");
    expect(written).not.toContain(ESC);
    await run(["explain", "m/1_ok.sql", "-o", "out/color.txt", "--color"], { cwd: root });
    expect(readFileSync(join(root, "out", "color.txt"), "utf8")).toContain(ESC);
  });

  it("with --output-file and another format, writes that format and shows the table on standard output, as lint does", async () => {
    const r = await run(["explain", "m/1_ok.sql", "--format", "json", "-o", "out/explain.json"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await run(["explain", "m/1_ok.sql"], { cwd: root })).stdout);
    expect(JSON.parse(readFileSync(join(root, "out", "explain.json"), "utf8"))).toEqual(
      JSON.parse((await run(["explain", "m/1_ok.sql", "--format", "json"], { cwd: root })).stdout),
    );
    const unwritable = await run(["explain", "m/1_ok.sql", "-o", "m/1_ok.sql/x.txt"], { cwd: root });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^pgsafe: Cannot write the report to "m\/1_ok.sql\/x.txt": .*Choose another --output-file.\n$/);
  });

  it("colours like lint: --color, --no-color, FORCE_COLOR, NO_COLOR, a terminal", async () => {
    const colored = async (args: string[], options: Parameters<typeof run>[1] = {}): Promise<boolean> =>
      (await run(["explain", "m/1_ok.sql", ...args], { cwd: root, ...options })).stdout.includes(ESC);
    expect(await colored([])).toBe(false);
    expect(await colored([], { isTTY: true })).toBe(true);
    expect(await colored([], { isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(await colored([], { env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(await colored(["--color"])).toBe(true);
    expect(await colored(["--no-color"], { isTTY: true })).toBe(false);
    // The colours only decorate: the text is the same.
    const plain = (await run(["explain", "m/1_ok.sql"], { cwd: root })).stdout;
    // eslint-disable-next-line no-control-regex
    expect((await run(["explain", "m/1_ok.sql", "--color"], { cwd: root })).stdout.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("is listed in --help", async () => {
    const r = await run(["--help"]);
    expect(r.stdout).toContain("  pgsafe explain [PATH ...|-]  ");
  });

  it("loads neither the rules nor the lint engine, and only the chosen reporter", () => {
    const hooks = 'data:text/javascript,import { register } from "node:module"; register("data:text/javascript," + encodeURIComponent(`import { writeSync } from "node:fs"; export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, "LOADED " + r.url + "\\\\n"); return r; }`));';
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", hooks, "src/cli/main.ts", "explain", MIGRATION, "--format", "json"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain("/src/explain.ts");
    expect(r.stderr).toContain("/src/reporters/explain-json.ts");
    expect(r.stderr).not.toMatch(/\/rules\/|\/src\/engine\/|\/src\/index\.ts|explain-text|picocolors/);
  });
});
