/**
 * Fixes against a real PostgreSQL (PGlite, PostgreSQL 18 in WASM): a fix keeps the migration
 * runnable, and the places where pgsafe gives no fix are places where the edit would break it.
 *
 * - For every fixture of every fixable rule and every example migration, each statement that runs
 *   on a fresh database before `--fix` still runs after it (statements run one by one, as psql
 *   runs a file).
 * - CONCURRENTLY fails in a transaction block, explicit or implicit (multi-statement query), and
 *   on a partitioned table; a type change breaks statements that depend on the old type. The rules
 *   give no fix there.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { lintText } from "../../src/index.js";
import { parseSql } from "../../src/parser/parse.js";
import { FIXTURES } from "../harness/rule-tester.js";

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db.close();
});

/** Drops every user schema, ends any open transaction and resets the session. */
async function freshDatabase(): Promise<void> {
  await db.exec("ROLLBACK; RESET ALL;");
  await db.exec(`DO $$ DECLARE s text; BEGIN
    FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
      EXECUTE format('DROP SCHEMA %I CASCADE', s);
    END LOOP;
  END $$; CREATE SCHEMA public;`);
}

/** Runs each top-level statement on its own on a fresh database; true where it succeeded. */
async function runStatements(text: string): Promise<boolean[]> {
  await freshDatabase();
  const out: boolean[] = [];
  for (const statement of parseSql(text.replace(/^\uFEFF/, "")).statements) {
    if (statement.hiddenIn) continue;
    try {
      await db.query(statement.text);
      out.push(true);
    } catch {
      out.push(false);
    }
  }
  return out;
}

async function error(sql: string): Promise<string> {
  try {
    await db.exec(sql);
    return "ok";
  } catch (e) {
    return (e as Error).message;
  } finally {
    await db.exec("ROLLBACK");
  }
}

const EXAMPLES = join(import.meta.dirname, "..", "..", "fixtures", "examples");

function sqlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sql")).sort().map((f) => join(dir, f)) : [];
}

const files = [
  ...Object.entries(rules)
    .filter(([, rule]) => rule.meta.fixable !== undefined)
    .flatMap(([id]) => [...sqlFiles(join(FIXTURES, id, "invalid")), ...sqlFiles(join(FIXTURES, id, "valid"))]),
  ...sqlFiles(EXAMPLES),
];

describe("a fixed migration still runs", () => {
  it("covers fixtures that get fixes", () => {
    expect(files.filter((f) => lintText(readFileSync(f, "utf8"), { fix: true, include: ["prefer-robust-stmts"] }).output !== undefined).length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(file.slice(file.indexOf("fixtures")), async () => {
      const text = readFileSync(file, "utf8");
      const { output } = lintText(text, { fix: true, include: ["prefer-robust-stmts"], framework: "none" });
      if (output === undefined) return;
      const before = await runStatements(text);
      const after = await runStatements(output);
      expect(after.length).toBe(before.length);
      const broken = before.flatMap((ok, i) => (ok && !after[i] ? [i + 1] : []));
      expect(broken, `statements that ran before --fix and fail after it:\n${output}`).toEqual([]);
    });
  }
});

describe("where pgsafe gives no fix, the edit would break the migration", () => {
  beforeAll(async () => {
    await freshDatabase();
    await db.exec(`
      CREATE TABLE users (id bigint, email text, created_at timestamp);
      CREATE TABLE measurements (ts timestamp, value int) PARTITION BY RANGE (ts);`);
  });

  it("CREATE INDEX CONCURRENTLY fails inside BEGIN, so require-concurrent-index-creation does not fix there", async () => {
    expect(await error("BEGIN; CREATE INDEX CONCURRENTLY users_email_idx ON users (email); COMMIT;")).toMatch(/cannot run inside a transaction block/);
    const sql = "BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n";
    expect(lintText(sql, { fix: true }).output).toBeUndefined();
  });

  it("and in the implicit transaction of a multi-statement query", async () => {
    expect(await error("SELECT 1; CREATE INDEX CONCURRENTLY users_email_idx ON users (email);")).toMatch(/cannot run inside a transaction block/);
  });

  it("DROP INDEX CONCURRENTLY fails inside BEGIN too", async () => {
    await db.exec("CREATE INDEX users_id_idx ON users (id)");
    expect(await error("BEGIN; DROP INDEX CONCURRENTLY users_id_idx; COMMIT;")).toMatch(/cannot run inside a transaction block/);
    expect(lintText("BEGIN;\nDROP INDEX users_id_idx;\nCOMMIT;\n", { fix: true }).output).toBeUndefined();
  });

  it("CONCURRENTLY cannot build an index of a partitioned table (ON ONLY names one): no fix for ON ONLY", async () => {
    expect(await error("CREATE INDEX CONCURRENTLY measurements_ts_idx ON ONLY measurements (ts)")).toMatch(/cannot create index on partitioned table "measurements" concurrently/);
    expect(lintText("CREATE INDEX measurements_ts_idx ON ONLY measurements (ts);", { fix: true }).output).toBeUndefined();
  });

  it("an index on date_trunc() of a timestamptz column fails (not immutable), so a column used elsewhere is not retyped", async () => {
    expect(await error("CREATE TABLE visits (at timestamptz); CREATE INDEX visits_day_idx ON visits (date_trunc('day', at));")).toMatch(/must be marked IMMUTABLE/);
    expect(await error("CREATE TABLE visits (at timestamp); CREATE INDEX visits_day_idx ON visits (date_trunc('day', at));")).toBe("ok");
    const sql = "CREATE TABLE visits (at timestamp);\nCREATE INDEX visits_day_idx ON visits (date_trunc('day', at));\n";
    expect(lintText(sql, { fix: true }).output).toBeUndefined();
  });

  it("json functions do not take jsonb, so a json column used elsewhere is not retyped", async () => {
    expect(await error("SELECT json_typeof('{}'::jsonb)")).toMatch(/function json_typeof\(jsonb\) does not exist/);
    const sql = "CREATE TABLE events (payload json);\nCREATE INDEX events_kind_idx ON events ((json_typeof(payload)));\n";
    expect(lintText(sql, { fix: true }).output).toBeUndefined();
  });

  it("a generated column's expression must stay immutable, so a generated column is not retyped", async () => {
    expect(await error("CREATE TABLE g (a timestamp, b timestamptz GENERATED ALWAYS AS (a::timestamptz) STORED)")).toMatch(/generation expression is not immutable/);
    expect(await error("CREATE TABLE g (a timestamp, b timestamp GENERATED ALWAYS AS (a) STORED)")).toBe("ok");
    expect(lintText("CREATE TABLE g (a timestamp, b timestamp GENERATED ALWAYS AS (a) STORED);", { fix: true }).output).toBeUndefined();
  });

  it("a json default still works once the column is jsonb (assignment cast), so that is fixed", async () => {
    expect(await error("CREATE TABLE docs (body jsonb DEFAULT '{}'::json)")).toBe("ok");
    expect(lintText("CREATE TABLE docs (body json DEFAULT '{}'::json);", { fix: true }).output).toBe("CREATE TABLE docs (body jsonb DEFAULT '{}'::json);");
  });
});
