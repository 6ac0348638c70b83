/**
 * `pgsafe stats` and `--stats FILE`: table sizes read from PostgreSQL (PGlite, one instance for the
 * file) change what findings say and their severity; without stats nothing changes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli/main.js";
import { parseArgs } from "../../src/cli/options.js";
import { statsCommand } from "../../src/cli/stats.js";
import { lintFiles, lintText, type TableStats } from "../../src/index.js";
import { formatBytes, formatRows } from "../../src/stats/apply.js";
import { collectStats } from "../../src/stats/collect.js";
import { loadStats } from "../../src/stats/load.js";
import { run } from "../cli/helpers.js";

let db: PGlite;
let collected: TableStats;
const dir = mkdtempSync(join(tmpdir(), "pgsafe-stats-"));

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE TABLE users (id bigint PRIMARY KEY, email text, active boolean);
    INSERT INTO users SELECT g, 'u' || g || '@example.com', true FROM generate_series(1, 20000) g;
    CREATE TABLE tags (id int PRIMARY KEY, name text);
    INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 50) g;
    CREATE SCHEMA app;
    CREATE TABLE app."Accounts" (id int);
    INSERT INTO app."Accounts" SELECT generate_series(1, 300);
    CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
    CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    INSERT INTO events SELECT g, DATE '2024-06-01' + (g % 400) FROM generate_series(1, 4000) g;
    CREATE TABLE never_analyzed (id int);
    ANALYZE users, tags, app."Accounts", events, events_2024, events_2025;
  `);
  collected = await collectStats(db);
}, 120_000);

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const lintOnly = (sql: string, rules: string[], stats?: string | TableStats) =>
  lintText(sql, { include: rules, ...(stats ? { stats } : {}) }).messages.filter((m) => rules.includes(m.ruleId));

describe("collectStats (pg_class, pg_stat_user_tables)", () => {
  it("reads rows and bytes per table, keyed schema.table as PostgreSQL spells the names", () => {
    expect(collected.version).toBe(1);
    expect(collected.database).toBe("postgres");
    expect(Date.parse(collected.collectedAt!)).not.toBeNaN();
    expect(collected.tables["public.users"]!.rows).toBe(20000);
    expect(collected.tables["public.tags"]!.rows).toBe(50);
    expect(collected.tables["app.Accounts"]!.rows).toBe(300);
    // Data and indexes: 20,000 rows with a primary key take more than a megabyte.
    expect(collected.tables["public.users"]!.bytes).toBeGreaterThan(1024 ** 2);
    expect(collected.tables["public.tags"]!.bytes).toBeLessThan(1024 ** 2);
    // No system catalogs.
    expect(Object.keys(collected.tables).filter((k) => /^(pg_catalog|information_schema)\./.test(k))).toEqual([]);
  });

  it("gives a partitioned table the sums of its partitions", () => {
    const [p24, p25, parent] = ["public.events_2024", "public.events_2025", "public.events"].map((k) => collected.tables[k]!);
    expect(p24!.rows + p25!.rows).toBe(4000);
    expect(parent).toEqual({ rows: p24!.rows + p25!.rows, bytes: p24!.bytes + p25!.bytes });
  });

  it("counts a table that was never analyzed from pg_stat_user_tables, not as empty by mistake", async () => {
    await db.exec("INSERT INTO never_analyzed SELECT generate_series(1, 70)");
    // PG ≥ 15 sends the statistics of a transaction a little later; make it now.
    await db.exec("SELECT pg_stat_force_next_flush()");
    await db.exec("SELECT 1");
    // PG ≥ 14: reltuples is -1 until the first VACUUM or ANALYZE.
    expect((await db.query<{ r: number }>("SELECT reltuples::float8 AS r FROM pg_class WHERE relname = 'never_analyzed'")).rows[0]!.r).toBe(-1);
    const again = await collectStats(db);
    expect(again.tables["public.never_analyzed"]!.rows).toBe(70);
  });

  it("reads inside a READ ONLY transaction and leaves none open", async () => {
    const seen: string[] = [];
    const spy = { query: async (sql: string) => (seen.push(sql.trim().split(/\s+/).slice(0, 4).join(" ")), db.query(sql)) };
    await collectStats(spy);
    expect(seen[0]).toBe("BEGIN TRANSACTION READ ONLY");
    expect(seen.at(-1)).toBe("ROLLBACK");
    // A write inside that transaction would fail: PostgreSQL enforces READ ONLY.
    await db.exec("BEGIN TRANSACTION READ ONLY");
    await expect(db.exec("INSERT INTO tags VALUES (999, 'x')")).rejects.toThrow(/read-only transaction/);
    await db.exec("ROLLBACK");
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM tags")).rows[0]!.n).toBe(50);
  });
});

describe("pgsafe stats", () => {
  const io = () => {
    const out = { stdout: "", stderr: "" };
    const cliIo: CliIo = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, stdin: Readable.from([]), env: {}, cwd: dir };
    return { out, io: cliIo };
  };
  const pglite = async () => ({ query: (sql: string) => db.query(sql), end: async () => undefined });

  it("writes the stats file (here from PGlite), which --stats reads back", async () => {
    const { out, io: cliIo } = io();
    const code = await statsCommand(parseArgs(["stats", "--db-url", "postgres://app@localhost/app", "--output-file", "sizes/stats.json"]), cliIo, pglite);
    expect(code).toBe(0);
    expect(out.stderr).toMatch(/^pgsafe: wrote the sizes of \d+ tables to sizes\/stats\.json\.\n$/);
    const written = loadStats(join(dir, "sizes/stats.json"));
    expect(written.tables["public.users"]).toEqual(collected.tables["public.users"]);
    // Without --output-file: JSON on standard output.
    const second = io();
    expect(await statsCommand(parseArgs(["stats", "--db-url", "postgres://app@localhost/app"]), second.io, pglite)).toBe(0);
    expect((JSON.parse(second.out.stdout) as TableStats).tables["public.tags"]!.rows).toBe(50);
  });

  it("a server that cannot be reached: exit code 2 and one line, without the password", async () => {
    const r = await run(["stats", "--db-url", "postgres://app:s3cret@127.0.0.1:1/x"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^pgsafe: Cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED.*\.\n$/);
    expect(r.stderr).not.toContain("s3cret");
    const bad = await run(["stats", "--db-url", "mysql://x"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'pgsafe: Invalid --db-url "mysql://x": use a URL such as postgres://user@localhost:5432/app.\n']);
  });
});

describe("--stats: table sizes in findings", () => {
  const UPDATE = "UPDATE users SET active = false;\n";
  const INDEX = "CREATE INDEX tags_name_idx ON tags (name);\n";

  it("a warning on a statement that scans a large table becomes an error, and says how many rows it touches", () => {
    const big: TableStats = { version: 1, tables: { "public.users": { rows: 48_000_000, bytes: 19 * 1024 ** 3 } } };
    const [without] = lintOnly(UPDATE, ["unbatched-update"]);
    const [withStats] = lintOnly(UPDATE, ["unbatched-update"], big);
    expect(without!.severity).toBe(1);
    expect(withStats!.severity).toBe(2);
    expect(withStats!.message.startsWith(without!.message)).toBe(true);
    expect(withStats!.message).toContain('Table size: scans "users": ~48M rows, 19 GB.');
    expect(withStats!.message).toContain('Reported as an error: "users" has at least 1,000,000 rows or 1 GB.');
    // Same place, same help: only the message and the severity change.
    expect({ ...withStats!, message: "", severity: 0 }).toEqual({ ...without!, message: "", severity: 0 });
  });

  it("an error on a statement that only touches small tables becomes a warning (collected from PGlite)", () => {
    const [without] = lintOnly(INDEX, ["require-concurrent-index-creation"]);
    const [withStats] = lintOnly(INDEX, ["require-concurrent-index-creation"], collected);
    expect(without!.severity).toBe(2);
    expect(withStats!.severity).toBe(1);
    expect(withStats!.message).toMatch(/Table size: scans "tags": ~50 rows, \d+(\.\d)? kB\. Reported as a warning: the table has fewer than 10,000 rows and less than 100 MB\.$/);
  });

  it("a medium table keeps the severity and still gets its size; rewrites are named as such", () => {
    const [index] = lintOnly("CREATE INDEX users_email_idx ON users (email);\n", ["require-concurrent-index-creation"], collected);
    expect(index!.severity).toBe(2);
    expect(index!.message).toMatch(/Table size: scans "users": ~20K rows, \d+(\.\d)? MB\.$/);
    const [rewrite] = lintOnly("ALTER TABLE users ALTER COLUMN id TYPE numeric;\n", ["changing-column-type"], collected);
    expect(rewrite!.message).toMatch(/Table size: rewrites "users": ~20K rows/);
  });

  it("instant statements, other categories, unknown and new tables keep severity and message", () => {
    const instant = "ALTER TABLE tags ADD COLUMN note text;\n";
    expect(lintOnly(instant, ["require-lock-timeout"], collected)).toEqual(lintOnly(instant, ["require-lock-timeout"]));
    const drop = "ALTER TABLE tags DROP COLUMN name;\n";
    expect(lintOnly(drop, ["ban-drop-column"], collected)).toEqual(lintOnly(drop, ["ban-drop-column"]));
    const unknown = "CREATE INDEX orders_idx ON orders (id);\n";
    expect(lintOnly(unknown, ["require-concurrent-index-creation"], collected)).toEqual(lintOnly(unknown, ["require-concurrent-index-creation"]));
    // A table created earlier in the file is empty whatever the stats say.
    const fresh = "CREATE TABLE users (id int, email text);\nCREATE INDEX users_email_idx ON users (email);\n";
    expect(lintText(fresh, { stats: collected }).messages).toEqual(lintText(fresh).messages);
  });

  it("without stats nothing changes: identical results, also through lintFiles", async () => {
    const sql = `${UPDATE}${INDEX}ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n`;
    const path = join(dir, "001_m.sql");
    writeFileSync(path, sql);
    expect(lintText(sql, { stats: undefined })).toEqual(lintText(sql));
    expect(await lintFiles([path], {})).toEqual(await lintFiles([path]));
    // A stats file that lists none of the tables changes nothing either.
    expect(lintText(sql, { stats: { version: 1, tables: { "public.other": { rows: 1e9, bytes: 1e12 } } } }).messages).toEqual(lintText(sql).messages);
  });

  it("thresholds can be changed in the library", () => {
    const [m] = lintText(UPDATE, { include: ["unbatched-update"], stats: collected, statsThresholds: { largeRows: 10_000 } }).messages.filter((x) => x.ruleId === "unbatched-update");
    expect(m!.severity).toBe(2);
    expect(m!.message).toContain("at least 10,000 rows");
  });

  it("the CLI: --stats FILE changes the exit code; a bad file is exit code 2 with one line", async () => {
    const big = join(dir, "big.json");
    writeFileSync(big, JSON.stringify({ version: 1, tables: { "public.users": { rows: 48_000_000, bytes: 19 * 1024 ** 3 } } }));
    writeFileSync(join(dir, "002_update.sql"), UPDATE);
    const plain = await run(["--no-config", "002_update.sql"], { cwd: dir });
    const sized = await run(["--no-config", "--stats", "big.json", "002_update.sql"], { cwd: dir });
    expect([plain.code, sized.code]).toEqual([0, 1]);
    expect(sized.stdout).toContain('scans "users": ~48M rows, 19 GB');
    const cases: [string, string, RegExp][] = [
      ["missing.json", "", /^pgsafe: Cannot read stats file "missing\.json": .*\. Write it with `pgsafe stats/],
      ["syntax.json", "{ \"version\": 1,", /^pgsafe: Invalid JSON in stats file "syntax\.json" at line 1, column \d+: /],
      ["version.json", '{ "version": 2, "tables": {} }', /^pgsafe: Invalid stats file "version\.json": "version" must be 1 \(got 2\)\. /],
      ["rows.json", '{ "version": 1, "tables": { "public.users": { "rows": -1, "bytes": 0 } } }', /^pgsafe: Invalid stats file "rows\.json": "tables"\."public\.users"\."rows" must be a number ≥ 0 \(got -1\)\. /],
      ["key.json", '{ "version": 1, "tables": { "users": { "rows": 1, "bytes": 0 } } }', /^pgsafe: Invalid stats file "key\.json": the key "users" of "tables" must be schema\.table/],
    ];
    for (const [name, content, message] of cases) {
      if (content) writeFileSync(join(dir, name), content);
      const r = await run(["--no-config", "--stats", name, "002_update.sql"], { cwd: dir });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr.trim().split("\n"), name).toHaveLength(1);
    }
  });

  it("the stats config key is relative to the config file", async () => {
    const project = join(dir, "project");
    writeFileSync(join(dir, "big.json"), JSON.stringify({ version: 1, tables: { "public.users": { rows: 48_000_000, bytes: 19 * 1024 ** 3 } } }));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(project, "db"), { recursive: true });
    writeFileSync(join(project, "pgsafe.config.json"), JSON.stringify({ stats: "../big.json" }));
    writeFileSync(join(project, "db", "001.sql"), UPDATE);
    const r = await run(["db"], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("~48M rows");
    expect(readFileSync(join(project, "pgsafe.config.json"), "utf8")).toContain("big.json");
  });
});

describe("formatting", () => {
  it("rows and bytes", () => {
    expect([0, 1, 999, 1000, 1250, 20000, 48_000_000, 2_100_000_000].map(formatRows)).toEqual(["~0", "~1", "~999", "~1K", "~1.3K", "~20K", "~48M", "~2.1B"]);
    expect([0, 812, 2048, 1.5 * 1024 ** 2, 19 * 1024 ** 3].map(formatBytes)).toEqual(["0 bytes", "812 bytes", "2 kB", "1.5 MB", "19 GB"]);
  });
});
