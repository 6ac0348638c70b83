/**
 * The column-type classification of src/analysis/types.ts, checked against a real Postgres
 * (PGlite, PG 18): for each way of writing a column type, the type Postgres actually gives the
 * column must be the one the classifier claims (json, a 2/4/8-byte integer, varchar with a limit,
 * timestamp without time zone, blank-padded char, a serial column, an array), and the text that
 * typeSpan finds for the type must declare the same type again.
 *
 * One PGlite instance for the file.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blankPaddedLength,
  columnTypeUses,
  integerWidth,
  isArrayType,
  isJson,
  isTimestampWithoutTimeZone,
  serialType,
  typeSpan,
  varcharLimit,
} from "../../src/analysis/types.js";
import { parseSql } from "../../src/parser/parse.js";
import { SourceText } from "../../src/parser/positions.js";
import { tokenize } from "../../src/parser/tokens.js";

const SPELLINGS = [
  "int",
  "integer",
  "int4",
  '"int4"',
  "pg_catalog.int4",
  "int[]",
  "int ARRAY",
  "serial",
  "serial4",
  '"serial"',
  "bigint",
  "int8",
  "bigserial",
  "serial8",
  "smallint",
  "int2",
  "smallserial",
  "serial2",
  "varchar(10)",
  "character varying(20)",
  "char varying(7)",
  "varchar",
  '"varchar"(5)',
  "national character varying(4)",
  "varchar(10)[]",
  "text",
  "timestamp",
  "timestamp(3)",
  "timestamp (3) without time zone",
  '"timestamp"',
  "timestamp(3) with time zone",
  "timestamptz",
  "time",
  "char(3)",
  "character(2)",
  "char",
  "character",
  "bpchar",
  "nchar(2)",
  '"char"',
  'pg_catalog."char"',
  "json",
  "pg_catalog.json",
  '"json"',
  "json[]",
  "jsonb",
  "app.json",
  '"JSON"',
  "app.int4",
  "double precision",
  "numeric(10, 2)",
  "interval day to second(3)",
];

interface Actual {
  formatted: string;
  base: string;
  namespace: string;
  typmod: number;
  array: boolean;
  serial: boolean;
}

let db: PGlite;
const actual = new Map<string, Actual>();

async function describeColumn(table: string): Promise<Actual> {
  const { rows } = await db.query<Actual>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS formatted,
            coalesce(et.typname, t.typname) AS base,
            coalesce(en.nspname, n.nspname)::text AS namespace,
            a.atttypmod AS typmod,
            et.oid IS NOT NULL AS array,
            pg_get_serial_sequence('${table}', 'c') IS NOT NULL AND a.attidentity = '' AS serial
     FROM pg_attribute a
     JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace n ON n.oid = t.typnamespace
     LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
     LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
     WHERE a.attrelid = '${table}'::regclass AND a.attname = 'c'`,
  );
  return rows[0]!;
}

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`CREATE SCHEMA app; CREATE TYPE app.json AS ENUM ('a'); CREATE DOMAIN app.int4 AS bigint; CREATE TYPE "JSON" AS ENUM ('b');`);
  for (const [i, spelling] of SPELLINGS.entries()) {
    await db.exec(`CREATE TABLE t${i} (c ${spelling})`);
    actual.set(spelling, await describeColumn(`t${i}`));
  }
}, 60_000);

afterAll(async () => {
  await db.close();
});

function declared(spelling: string) {
  const sql = `CREATE TABLE t (c ${spelling});`;
  const statement = parseSql(sql).statements[0]!;
  const use = columnTypeUses(statement)[0]!;
  return { sql, use };
}

describe.each(SPELLINGS)("column type %s", (spelling) => {
  it("is classified as the type Postgres gives the column", () => {
    const real = actual.get(spelling)!;
    const { typeName } = declared(spelling).use;
    const builtin = real.namespace === "pg_catalog";
    expect(isJson(typeName), "json").toBe(builtin && real.base === "json");
    expect(integerWidth(typeName), "integer width").toBe(builtin ? ({ int2: 2, int4: 4, int8: 8 } as Record<string, 2 | 4 | 8>)[real.base] : undefined);
    expect(varcharLimit(typeName), "varchar limit").toBe(builtin && real.base === "varchar" && real.typmod >= 0 ? real.typmod - 4 : undefined);
    expect(isTimestampWithoutTimeZone(typeName), "timestamp").toBe(builtin && real.base === "timestamp");
    expect(blankPaddedLength(typeName), "char(n)").toBe(builtin && real.base === "bpchar" ? (real.typmod >= 0 ? real.typmod - 4 : -1) : undefined);
    expect(serialType(typeName) !== undefined, "serial").toBe(real.serial);
    expect(isArrayType(typeName), "array").toBe(real.array);
  });

  it("is spanned exactly: the spanned text declares the same type", async () => {
    const { sql, use } = declared(spelling);
    const tokens = tokenize(new SourceText(sql));
    const start = new SourceText(sql).indexFromByte(use.typeName.location as number);
    const span = typeSpan(tokens, start)!;
    const written = sql.slice(span.range[0], span.range[1]);
    expect(written).toBe(spelling);
    await db.exec(`DROP TABLE IF EXISTS again; CREATE TABLE again (c ${written})`);
    expect((await describeColumn("again")).formatted).toBe(actual.get(spelling)!.formatted);
  });
});

describe("what Postgres accepts as a serial column", () => {
  it("expands serial only in column definitions, and only unqualified", async () => {
    await expect(db.exec("CREATE TABLE s1 (c pg_catalog.serial)")).rejects.toThrow(/type "pg_catalog.serial" does not exist/);
    await db.exec("CREATE TABLE s2 (c int)");
    await expect(db.exec("ALTER TABLE s2 ALTER COLUMN c TYPE serial")).rejects.toThrow(/type "serial" does not exist/);
    expect(serialType(declared("pg_catalog.serial").use.typeName)).toBeUndefined();
  });

  it("an identity column needs no grant on its sequence, a serial column does", async () => {
    await db.exec(`CREATE TABLE with_serial (id serial, v int); CREATE TABLE with_identity (id int GENERATED BY DEFAULT AS IDENTITY, v int);
      CREATE ROLE inserter; GRANT INSERT ON with_serial, with_identity TO inserter;`);
    await db.exec("SET ROLE inserter; INSERT INTO with_identity (v) VALUES (1); RESET ROLE;");
    await expect(db.exec("SET ROLE inserter; INSERT INTO with_serial (v) VALUES (1);")).rejects.toThrow(/permission denied for sequence with_serial_id_seq/);
    await db.exec("RESET ROLE");
  });
});
