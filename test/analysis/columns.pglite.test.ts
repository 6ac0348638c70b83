/**
 * What pgsafe claims about column changes, checked against a real Postgres (PGlite, PG 18):
 *
 * - classifyTypeChange (src/analysis/type-change.ts): for every pair of a matrix of types, a change
 *   classified `coercible` keeps the table's and the index's relfilenode, `rewrite` changes the
 *   table's, `timezone` (timestamp ⇄ timestamptz) rewrites unless the session TimeZone is UTC;
 * - NotNullChecks (src/analysis/checks.ts): a column has a NOT NULL proof exactly when
 *   `SET NOT NULL` does not scan the table (pg_stat_get_xact_numscans);
 * - the ADD COLUMN rules: adding-field-with-default fires exactly when ADD COLUMN rewrites the
 *   table, adding-required-field exactly when ADD COLUMN fails on a table with rows.
 *
 * One PGlite instance for the file.
 */
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { uuid_ossp } from "@electric-sql/pglite/contrib/uuid_ossp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotNullChecks } from "../../src/analysis/checks.js";
import { columnTypeOf } from "../../src/analysis/columns.js";
import { classifyTypeChange, type TypeChange } from "../../src/analysis/type-change.js";
import type { AstObject } from "../../src/parser/parse.js";
import { parseSql } from "../../src/parser/parse.js";
import { lintWithRule } from "../harness/rule-tester.js";

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create({ extensions: { pgcrypto, uuid_ossp } });
  await db.exec("CREATE EXTENSION pgcrypto; CREATE EXTENSION \"uuid-ossp\"; CREATE SEQUENCE s; SELECT nextval('s');");
});

afterAll(async () => {
  await db.close();
});

async function relfilenode(relation: string): Promise<number> {
  const result = await db.query<{ relfilenode: number }>(`SELECT relfilenode FROM pg_class WHERE oid = '${relation}'::regclass`);
  return result.rows[0]!.relfilenode;
}

function typeOf(sql: string) {
  const stmt = parseSql(`CREATE TABLE x (a ${sql})`).statements[0]!;
  const column = (stmt.node.tableElts as { ColumnDef: AstObject }[])[0]!.ColumnDef;
  return columnTypeOf(column.typeName as AstObject)!;
}

/** Changes column `a` of a fresh table from `from` to `to`; whether the table and its index on `a` got new storage. */
async function alterType(from: string, to: string, timeZone: string): Promise<{ table: boolean; index: boolean } | "error"> {
  await db.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (id int, a ${from}); CREATE INDEX t_a ON t (id, a); SET TimeZone = '${timeZone}'`);
  const [table, index] = [await relfilenode("t"), await relfilenode("t_a")];
  try {
    await db.exec(`ALTER TABLE t ALTER COLUMN a TYPE ${to}`);
  } catch {
    return "error";
  }
  return { table: table !== (await relfilenode("t")), index: index !== (await relfilenode("t_a")) };
}

const TYPES = [
  "smallint", "integer", "bigint", "numeric", "numeric(10)", "numeric(12)", "numeric(10,2)", "numeric(12,2)", "numeric(8,2)",
  "numeric(12,3)", "real", "double precision", "text", "varchar", "varchar(10)", "varchar(20)", "character varying(30)",
  "varbit", "varbit(10)", "bit varying(20)", "boolean", "date", "timestamp", "timestamp(3)", "timestamptz",
  "timestamp with time zone", "timestamptz(3)", "uuid", "jsonb", "inet", "cidr", "bytea", "varchar(10)[]", "varchar(20)[]",
  // Fractional-seconds precisions (6 is the largest), intervals, and arrays without a limit or with more dimensions.
  "timestamp(0)", "timestamp(6)", "timestamptz(6)", "time", "time(3)", "interval", "interval(3)", "interval day", "varchar[]",
  "integer[]", "integer[][]",
];

describe("classifyTypeChange against Postgres", () => {
  const seen: Record<TypeChange, number> = { coercible: 0, timezone: 0, rewrite: 0, unknown: 0 };
  for (const from of TYPES) {
    it(`from ${from}`, async () => {
      for (const to of TYPES) {
        const kind = classifyTypeChange(typeOf(from), typeOf(to));
        const utc = await alterType(from, to, "UTC");
        if (utc === "error") {
          expect(kind, `${from} -> ${to} has no cast, so it is no coercible change`).not.toBe("coercible");
          continue;
        }
        seen[kind]++;
        const paris = await alterType(from, to, "Europe/Paris");
        if (paris === "error") throw new Error(`${from} -> ${to} failed only outside UTC`);
        if (kind === "coercible") expect([from, to, paris], "no rewrite, no index rebuild").toEqual([from, to, { table: false, index: false }]);
        if (kind === "rewrite") expect([from, to, utc.table, paris.table], "rewrites").toEqual([from, to, true, true]);
        if (kind === "timezone") expect([from, to, utc.table, paris.table, utc.index], "rewrites unless UTC, rebuilds the index").toEqual([from, to, false, true, true]);
      }
    });
  }
  it("the matrix exercises every verdict", () => {
    expect(seen.coercible).toBeGreaterThan(30);
    expect(seen.rewrite).toBeGreaterThan(250);
    expect(seen.timezone).toBeGreaterThan(4);
  });
});

describe("changing-column-type against Postgres", () => {
  // The rule knows the old type from the ADD COLUMN; it must report every change that rewrites the
  // table or rebuilds an index, and may stay silent only when neither happens.
  const pairs: [string, string][] = [
    ...TYPES.filter((t) => !t.includes("time")).flatMap((from) => TYPES.filter((t) => !t.includes("time")).map((to): [string, string] => [from, to])),
    ["text", 'text COLLATE "C"'],
    ['text COLLATE "C"', "text"],
    ['varchar(10) COLLATE "C"', "text"],
    ['varchar(10) COLLATE "C"', "varchar(20)"],
    ["varchar(10)", 'varchar(20) COLLATE "C"'],
    ["varchar(10)", "text USING a"],
    ["timestamp", "timestamptz"],
  ];
  it("is silent only for changes that rewrite nothing", async () => {
    let silent = 0;
    for (const [from, to] of pairs) {
      const sql = `ALTER TABLE t ADD COLUMN a ${from};\nALTER TABLE t ALTER COLUMN a TYPE ${to};`;
      const reported = lintWithRule("changing-column-type", sql).messages.length > 0;
      const changed = await alterType(from, to, "UTC");
      if (changed === "error" || reported) continue;
      silent++;
      expect([from, to, changed], "a silent change rewrites nothing").toEqual([from, to, { table: false, index: false }]);
    }
    expect(silent).toBeGreaterThan(30);
  });
});

describe("NotNullChecks against SET NOT NULL", () => {
  const cases: [string, string, string?][] = [
    ["no constraint", ""],
    ["validated CHECK", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL)"],
    ["NOT VALID CHECK", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID"],
    ["NOT VALID, then VALIDATE", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE n VALIDATE CONSTRAINT c"],
    ["inside an AND", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL AND b > 0)"],
    ["NOT (a IS NULL)", "ALTER TABLE n ADD CONSTRAINT c CHECK (NOT (a IS NULL))"],
    ["a strict comparison does not prove it", "ALTER TABLE n ADD CONSTRAINT c CHECK (a > 0)"],
    ["an OR does not prove it", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL OR b IS NOT NULL)"],
    ["another column", "ALTER TABLE n ADD CONSTRAINT c CHECK (b IS NOT NULL)"],
    ["NOT ENFORCED", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT ENFORCED"],
    ["dropped", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); ALTER TABLE n DROP CONSTRAINT c"],
    ["unnamed, validated by its generated name", "ALTER TABLE n ADD CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE n VALIDATE CONSTRAINT n_a_check"],
    ["unnamed on two columns", "ALTER TABLE n ADD CHECK (a IS NOT NULL AND b > 0) NOT VALID; ALTER TABLE n VALIDATE CONSTRAINT n_check"],
    ["renamed constraint", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE n RENAME CONSTRAINT c TO d; ALTER TABLE n VALIDATE CONSTRAINT d"],
    ["renamed column", "ALTER TABLE n ADD CONSTRAINT c CHECK (b IS NOT NULL); ALTER TABLE n RENAME COLUMN a TO x; ALTER TABLE n RENAME COLUMN b TO a"],
    ["renamed table", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); ALTER TABLE n RENAME TO m", "m"],
    ["other column of the check dropped", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL AND b > 0); ALTER TABLE n DROP COLUMN b"],
    ["type changed after the check", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); ALTER TABLE n ALTER COLUMN a TYPE bigint"],
    ["rolled back", "BEGIN; ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); ROLLBACK"],
    ["committed", "BEGIN; ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); COMMIT"],
    ["already NOT NULL", "ALTER TABLE n ALTER COLUMN a SET NOT NULL"],
    ["NOT NULL dropped again", "ALTER TABLE n ALTER COLUMN a SET NOT NULL; ALTER TABLE n ALTER COLUMN a DROP NOT NULL"],
    ["PG 18 NOT NULL constraint, NOT VALID", "ALTER TABLE n ADD CONSTRAINT c NOT NULL a NOT VALID"],
    ["PG 18 NOT NULL constraint, validated", "ALTER TABLE n ADD CONSTRAINT c NOT NULL a NOT VALID; ALTER TABLE n VALIDATE CONSTRAINT c"],
    ["table recreated", "ALTER TABLE n ADD CONSTRAINT c CHECK (a IS NOT NULL); DROP TABLE n; CREATE TABLE n (id int, a int, b int); INSERT INTO n VALUES (1, 1, 1)"],
    ["check in CREATE TABLE", "DROP TABLE n; CREATE TABLE n (id int, a int CHECK (a IS NOT NULL), b int); INSERT INTO n VALUES (1, 1, 1)"],
  ];
  for (const [name, setup, table = "n"] of cases) {
    it(name, async () => {
      await db.exec("DROP TABLE IF EXISTS n; DROP TABLE IF EXISTS m; CREATE TABLE n (id int, a int, b int); INSERT INTO n VALUES (1, 1, 1)");
      if (setup) await db.exec(setup);
      const scans = async (): Promise<number> =>
        Number((await db.query<{ n: number }>(`SELECT pg_stat_get_xact_numscans('${table}'::regclass) AS n`)).rows[0]!.n);
      await db.exec("BEGIN");
      const before = await scans();
      await db.exec(`ALTER TABLE ${table} ALTER COLUMN a SET NOT NULL`);
      const scanned = (await scans()) > before;
      await db.exec("ROLLBACK");

      const checks = new NotNullChecks();
      for (const s of parseSql(setup).statements) checks.observe(s);
      expect({ name, proven: checks.proofOf(`public.${table}`, "a") !== undefined }).toEqual({ name, proven: !scanned });
    });
  }
});

describe("ADD COLUMN rules against Postgres", () => {
  const columns = [
    "int DEFAULT 0", "boolean DEFAULT true", "text[] DEFAULT ARRAY[]::text[]", "timestamptz DEFAULT CURRENT_TIMESTAMP",
    "timestamptz DEFAULT now()", "jsonb DEFAULT '{}'::jsonb", "bigint DEFAULT 1::bigint", "timestamptz DEFAULT statement_timestamp()",
    "bigint DEFAULT txid_current()", "uuid DEFAULT gen_random_uuid()", "timestamptz DEFAULT clock_timestamp()", "float8 DEFAULT random()",
    "bigint DEFAULT nextval('s')", "bigint DEFAULT currval('s')", "bigint DEFAULT lastval()", "text DEFAULT encode(gen_random_bytes(8), 'hex')",
    "uuid DEFAULT uuid_generate_v4()", "uuid DEFAULT uuidv7()", "text DEFAULT timeofday()", "int DEFAULT (random() * 10)::int",
    "int", "int NOT NULL", "int NOT NULL DEFAULT NULL", "int NOT NULL DEFAULT NULL::int", "int PRIMARY KEY", "int NOT NULL DEFAULT 0",
    "int GENERATED ALWAYS AS (id * 2) STORED NOT NULL", "int GENERATED ALWAYS AS (id * 2) VIRTUAL NOT NULL",
    "int GENERATED ALWAYS AS IDENTITY", "bigserial", "int DEFAULT NULL",
  ];
  for (const column of columns) {
    it(column, async () => {
      await db.exec("DROP TABLE IF EXISTS d; CREATE TABLE d (id int); INSERT INTO d VALUES (1)");
      const before = await relfilenode("d");
      const sql = `ALTER TABLE d ADD COLUMN x ${column}`;
      const failed = await db.exec(sql).then(
        () => false,
        () => true,
      );
      const rewrote = !failed && before !== (await relfilenode("d"));
      const findings = (rule: string): boolean => lintWithRule(rule, `${sql};`).messages.length > 0;
      // adding-field-with-default is about non-NULL defaults; serial, identity and generated columns have their own rules.
      const hasDefault = /DEFAULT (?!NULL)/.test(column);
      expect({ column, flagged: findings("adding-field-with-default") }).toEqual({ column, flagged: hasDefault && rewrote });
      expect({ column, fails: findings("adding-required-field") }).toEqual({ column, fails: failed });
    });
  }

  it("the volatile functions pgsafe lists are volatile, txid_current is not", async () => {
    const result = await db.query<{ proname: string; provolatile: string }>(
      "SELECT DISTINCT proname, provolatile FROM pg_proc WHERE proname = ANY($1) ORDER BY 1",
      [["random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "currval", "lastval", "gen_random_bytes", "setseed", "random_normal", "txid_current"]],
    );
    expect(Object.fromEntries(result.rows.map((r) => [r.proname, r.provolatile]))).toEqual({
      random: "v", gen_random_uuid: "v", uuid_generate_v1: "v", uuid_generate_v1mc: "v", uuid_generate_v4: "v", uuidv4: "v",
      uuidv7: "v", clock_timestamp: "v", timeofday: "v", nextval: "v", currval: "v", lastval: "v", gen_random_bytes: "v",
      setseed: "v", random_normal: "v", txid_current: "s",
    });
  });
});
