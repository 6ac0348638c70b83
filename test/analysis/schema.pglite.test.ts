/**
 * The known-schema model (src/analysis/schema.ts) against a real Postgres (PGlite, PostgreSQL 18):
 * each scenario's files run in PGlite one after the other, and what the model says after feeding
 * the same files must be what the catalog says: the tables, every column's type (format_type, and
 * whether it has a collation of its own), NOT NULL columns, the constraints (name, kind, columns,
 * validated, referenced table) and the indexes (name, columns in order, unique, partial).
 *
 * One PGlite instance for the file.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchemaModel } from "../../src/analysis/schema.js";
import { parseFormattedType } from "../../src/analysis/type-change.js";
import { parseSql } from "../../src/parser/parse.js";

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
});

afterAll(async () => {
  await db.close();
});

const SCHEMAS = "('public', 'app')";

interface Facts {
  tables: string[];
  columns: string[];
  notNull: string[];
  constraints: string[];
  indexes: string[];
}

async function catalog(): Promise<Facts> {
  const rows = async <T>(sql: string): Promise<T[]> => (await db.query<T>(sql)).rows;
  const tables = await rows<{ key: string }>(`
    SELECT n.nspname || '.' || c.relname AS key FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname IN ${SCHEMAS} ORDER BY 1`);
  const columns = await rows<{ key: string; col: string; type: string; collated: boolean; notnull: boolean }>(`
    SELECT n.nspname || '.' || c.relname AS key, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type,
           a.attcollation <> 0 AND a.attcollation <> t.typcollation AS collated, a.attnotnull AS notnull
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname IN ${SCHEMAS}`);
  const constraints = await rows<{ key: string; name: string; kind: string; cols: string[]; validated: boolean; ref: string | null }>(`
    SELECT n.nspname || '.' || c.relname AS key, k.conname AS name, k.contype AS kind, k.convalidated AS validated,
           ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS cols,
           (SELECT rn.nspname || '.' || r.relname FROM pg_class r JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE r.oid = k.confrelid) AS ref
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype IN ('c', 'f', 'u', 'p', 'x') AND n.nspname IN ${SCHEMAS}`);
  const indexes = await rows<{ key: string; table: string; cols: (string | null)[]; isunique: boolean; partial: boolean }>(`
    SELECT n.nspname || '.' || ic.relname AS key, n.nspname || '.' || tc.relname AS table, i.indisunique AS isunique, i.indpred IS NOT NULL AS partial,
           ARRAY(SELECT a.attname FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY u(n, o) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS cols
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE n.nspname IN ${SCHEMAS}`);
  const KIND: Record<string, string> = { c: "check", f: "foreign-key", u: "unique", p: "primary-key", x: "exclusion" };
  return {
    tables: tables.map((t) => t.key),
    columns: columns.map((c) => `${c.key}.${c.col}: ${describeType(c.type)}${c.collated ? " collated" : ""}`).sort(),
    notNull: columns.filter((c) => c.notnull).map((c) => `${c.key}.${c.col}`).sort(),
    constraints: constraints
      .map((k) => `${k.key} ${k.name} ${KIND[k.kind]}(${k.kind === "c" ? "" : k.cols.join(",")})${k.validated ? "" : " not-valid"}${k.ref ? ` -> ${k.ref}` : ""}`)
      .sort(),
    indexes: indexes.map((i) => `${i.key} on ${i.table}(${i.cols.map((c) => c ?? "<expr>").join(",")})${i.isunique ? " unique" : ""}${i.partial ? " partial" : ""}`).sort(),
  };
}

/** A type as the model compares it: format_type text read back as a ColumnType. */
function describeType(formatted: string): string {
  const t = parseFormattedType(formatted);
  return t ? `${t.name}(${t.mods?.join(",") ?? "?"})${t.arrayDims > 0 ? "[]" : ""}` : `?${formatted}`;
}

function knownFacts(model: SchemaModel, catalogFacts: Facts): Facts {
  const tables = model.tables().map((t) => t.relation.key).sort();
  const columns: string[] = [];
  const notNull: string[] = [];
  // The model is asked about the columns the catalog has (it keeps no list of columns).
  for (const line of catalogFacts.columns) {
    const [, table, column] = /^(\w+\.\w+)\.(\w+):/.exec(line)!;
    const type = model.columnType(table!, column!);
    columns.push(`${table}.${column}: ${type ? `${type.name}(${type.mods?.join(",") ?? "?"})${type.arrayDims > 0 ? "[]" : ""}` : "unknown"}${type?.collation ? " collated" : ""}`);
    if (model.notNullProof(table!, column!)?.kind === "not-null") notNull.push(`${table}.${column}`);
  }
  const constraints = tables.flatMap((t) =>
    model
      .constraints(t)
      .map((k) => `${t} ${k.name} ${k.kind}(${k.kind === "check" ? "" : k.columns.join(",")})${k.validated ? "" : " not-valid"}${k.references ? ` -> ${k.references.table.key}` : ""}`),
  );
  const indexes = tables.flatMap((t) =>
    model.indexes(t).map((i) => `${i.index.key} on ${i.table.key}(${i.columns.map((c) => c ?? "<expr>").join(",")})${i.unique ? " unique" : ""}${i.partial ? " partial" : ""}`),
  );
  return { tables, columns: columns.sort(), notNull: notNull.sort(), constraints: constraints.sort(), indexes: indexes.sort() };
}

const SCENARIOS: Record<string, string[]> = {
  "constraints and indexes of CREATE TABLE and CREATE INDEX": [
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name varchar(80), CHECK (name <> ''));",
    "CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, total numeric(12,2) CHECK (total >= 0), placed timestamptz(3), tags text[]);\nCREATE INDEX ON app.orders (user_id, placed);\nCREATE UNIQUE INDEX orders_open ON app.orders (lower(tags[1]), user_id) WHERE total > 0;",
  ],
  "constraints added, validated, renamed and dropped": [
    "CREATE TABLE t (id int, a int, b int, c int, d int);\nCREATE TABLE u (id int PRIMARY KEY);",
    "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID, ADD CONSTRAINT t_d_fk FOREIGN KEY (d) REFERENCES u NOT VALID;\nALTER TABLE t ADD CHECK (b > 0) NOT VALID;\nALTER TABLE t ADD CONSTRAINT t_bc CHECK (b < c);",
    "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;\nALTER TABLE t VALIDATE CONSTRAINT t_b_check;\nALTER TABLE t RENAME CONSTRAINT t_d_fk TO t_d_fkey;",
    // One ALTER TABLE drops before it adds: the new t_b_check replaces the old one.
    "ALTER TABLE t ADD CONSTRAINT t_x CHECK (a > 1) NOT VALID, DROP CONSTRAINT t_a_nn;\nALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 1) NOT VALID, DROP CONSTRAINT t_b_check;\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t ADD CONSTRAINT t_never CHECK (a < 100) NOT ENFORCED;",
  ],
  "indexes renamed, taken over by constraints, moved with their table": [
    "CREATE TABLE t (id bigint NOT NULL, email text, code int);\nCREATE UNIQUE INDEX t_email_uidx ON t (email);\nCREATE UNIQUE INDEX t_id_uidx ON t (id);\nCREATE INDEX t_code_idx ON t (code) WHERE code > 0;",
    "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_uidx;\nALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_uidx;",
    "ALTER INDEX t_email_key RENAME TO t_email_unique;\nALTER TABLE t RENAME CONSTRAINT t_pkey TO t_primary;\nALTER INDEX t_code_idx RENAME TO t_code_partial;",
    "ALTER TABLE t RENAME TO accounts;\nALTER TABLE accounts SET SCHEMA app;\nALTER TABLE app.accounts RENAME COLUMN code TO kind;",
  ],
  "columns added, retyped, renamed and dropped, with their constraints and indexes": [
    'CREATE TABLE t (id int, a varchar(20), b text COLLATE "C", c numeric(10,2), d interval(3));\nCREATE INDEX t_a_b ON t (a, b);',
    'ALTER TABLE t ADD COLUMN e int UNIQUE CHECK (e > 0), ADD COLUMN f bigint NOT NULL DEFAULT 0;\nALTER TABLE t ALTER COLUMN a TYPE text, ALTER COLUMN b TYPE text, ALTER COLUMN c TYPE numeric(12,2);',
    'ALTER TABLE t ALTER COLUMN d TYPE interval(6), ALTER COLUMN id TYPE bigint;\nALTER TABLE t ALTER COLUMN id SET NOT NULL;\nALTER TABLE t ALTER COLUMN a TYPE varchar COLLATE "C";\nALTER TABLE t RENAME COLUMN e TO g;',
    "ALTER TABLE t DROP COLUMN b;\nALTER TABLE t ALTER COLUMN f DROP NOT NULL;",
  ],
  "transactions rolled back and committed; tables dropped and created again": [
    "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABLE gone (id int);",
    "BEGIN;\nCREATE INDEX t_a_idx ON t (a);\nDROP TABLE gone;\nALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);\nROLLBACK;\nBEGIN;\nCREATE INDEX t_a_idx2 ON t (a);\nCOMMIT;",
    "DROP TABLE gone;\nCREATE TABLE gone (x text UNIQUE);\nCREATE TABLE IF NOT EXISTS t (other int);\nCREATE INDEX IF NOT EXISTS t_a_idx2 ON t (id);",
  ],
  "a file with a syntax error: what parsed runs": [
    "CREATE TABLE t (id int, a int);",
    // Postgres runs the statements psql sends before the broken one; pgsafe's parser recovers the ones after it too.
    "CREATE INDEX t_a_idx ON t (a);\nALTER TABLE t ADD COLUM b int;",
  ],
};

describe("the model knows what Postgres' catalog says", () => {
  for (const [name, files] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      await db.exec("DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS app CASCADE; CREATE SCHEMA public; CREATE SCHEMA app;");
      const model = new SchemaModel();
      for (const sql of files) {
        const parsed = parseSql(sql);
        // Run what parses (a broken statement fails on its own, as with psql).
        for (const statement of parsed.statements) await db.exec(statement.text).catch(() => undefined);
        model.apply(parsed);
      }
      const truth = await catalog();
      expect(knownFacts(model, truth)).toEqual(truth);
    });
  }
});
