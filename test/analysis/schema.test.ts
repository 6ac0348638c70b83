/**
 * The known-schema model (src/analysis/schema.ts) and the copy-on-write map under its trackers
 * (src/analysis/cow-map.ts): what a run of migrations leaves, file by file.
 */
import { describe, expect, it } from "vitest";
import { analyzeMigration } from "../../src/analysis/context.js";
import { CowMap } from "../../src/analysis/cow-map.js";
import { SchemaModel } from "../../src/analysis/schema.js";
import { parseSql } from "../../src/parser/parse.js";

/** A model fed with each SQL text as one file, in order. */
function model(...files: string[]): SchemaModel {
  const m = new SchemaModel();
  for (const sql of files) m.apply(parseSql(sql));
  return m;
}

const indexSummary = (m: SchemaModel, table: string): string[] =>
  m.indexes(table).map((i) => `${i.index.key}(${i.columns.map((c) => c ?? "<expr>").join(",")})${i.unique ? " unique" : ""}${i.partial ? " partial" : ""}${i.constraint ? ` for ${i.constraint}` : ""}`);

const constraintSummary = (m: SchemaModel, table: string): string[] =>
  m.constraints(table).map((c) => `${c.name} ${c.kind}(${c.columns.join(",")})${c.validated ? "" : " not-valid"}${c.references ? ` -> ${c.references.table.key}` : ""}`);

describe("tables", () => {
  it("knows the tables created by the run, following renames, schema moves and drops", () => {
    const m = model(
      "CREATE TABLE users (id bigint);\nCREATE TABLE app.orders (id bigint);\nCREATE TABLE tmp AS SELECT 1 AS x;",
      "ALTER TABLE users RENAME TO accounts;\nALTER TABLE app.orders SET SCHEMA billing;\nDROP TABLE tmp;",
    );
    expect(m.tables().map((t) => t.relation.key).sort()).toEqual(["billing.orders", "public.accounts"]);
    expect(m.table("users")).toBeUndefined();
    expect(m.table("public.accounts")).toMatchObject({ created: true, complete: true, pending: false });
    expect(m.table("billing.orders")?.relation.label).toBe("billing.orders");
  });

  it("a table is complete (all its constraints and indexes known) only from a plain CREATE TABLE", () => {
    const m = model(
      "CREATE TABLE a (id int);\nCREATE TABLE b (LIKE a INCLUDING ALL);\nCREATE TABLE p (id int) PARTITION BY RANGE (id);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);",
      "CREATE TABLE p2 (id int);\nALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (10) TO (20);",
    );
    const complete = ["a", "b", "p", "p1", "p2"].map((t) => m.table(t)?.complete);
    expect(complete).toEqual([true, false, true, false, false]);
  });

  it("CREATE TABLE IF NOT EXISTS keeps a known table as it is", () => {
    const m = model("CREATE TABLE t (id int, a varchar(10));", "CREATE TABLE IF NOT EXISTS t (id int, a text);");
    expect(m.columnType("public.t", "a")).toMatchObject({ name: "varchar", mods: [10] });
  });

  it("marks tables created by pending files; newTables lists them", () => {
    const m = new SchemaModel();
    m.apply(parseSql("CREATE TABLE applied (id int);"));
    m.apply(parseSql("CREATE TABLE fresh (id int);\nCREATE TABLE gone (id int);\nALTER TABLE applied ADD COLUMN x int;"), { pending: true });
    m.apply(parseSql("ALTER TABLE fresh RENAME TO fresher;\nDROP TABLE gone;"), { pending: true });
    expect(m.newTables()).toEqual(["public.fresher"]);
    expect(m.table("applied")?.pending).toBe(false);
  });
});

describe("columns and NOT NULL proofs (the ColumnTypes and NotNullChecks trackers)", () => {
  it("keeps declared types and typmods across files", () => {
    const m = model("CREATE TABLE t (id integer, email varchar(100), amount numeric(10,2), tags text[]);", "ALTER TABLE t ALTER COLUMN email TYPE varchar(200);\nALTER TABLE t RENAME COLUMN amount TO total;");
    expect(m.columnType("public.t", "email")).toEqual({ name: "varchar", mods: [200], arrayDims: 0 });
    expect(m.columnType("public.t", "total")).toEqual({ name: "numeric", mods: [10, 2], arrayDims: 0 });
    expect(m.columnType("public.t", "amount")).toBeUndefined();
    expect(m.columnType("public.t", "tags")).toEqual({ name: "text", mods: [], arrayDims: 1 });
    expect(m.columnType("public.t", "id")?.name).toBe("int4");
  });

  it("remembers a COLLATE clause until ALTER COLUMN TYPE without one resets it", () => {
    const m = model('CREATE TABLE t (a text COLLATE "C", b text COLLATE pg_catalog."default");');
    expect(m.columnType("public.t", "a")?.collation).toBe("C");
    expect(m.columnType("public.t", "b")?.collation).toBeUndefined();
    const after = model('CREATE TABLE t (a text COLLATE "C");', "ALTER TABLE t ALTER COLUMN a TYPE text;");
    expect(after.columnType("public.t", "a")?.collation).toBeUndefined();
  });

  it("knows NOT NULL columns and validated CHECK (col IS NOT NULL) from earlier files", () => {
    const m = model(
      "CREATE TABLE t (id int NOT NULL, a int, b int, c int);",
      "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL) NOT VALID;",
      "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;",
    );
    expect(m.notNullProof("public.t", "id")).toEqual({ kind: "not-null", constraint: "t_id_not_null" });
    expect(m.notNullProof("public.t", "a")).toEqual({ kind: "check", constraint: "t_a_nn" });
    expect(m.notNullProof("public.t", "b")).toBeUndefined();
    expect(m.notNullProof("public.t", "c")).toBeUndefined();
  });
});

describe("constraints", () => {
  it("records kind, columns, validation, NOT NULL shape and references under Postgres' names", () => {
    const m = model(
      "CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);\nCREATE TABLE orders (id bigint, user_id bigint REFERENCES users, total numeric, CHECK (total >= 0));",
      "ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL AND total < 1e9) NOT VALID, ADD FOREIGN KEY (id) REFERENCES users (id) NOT VALID;",
    );
    expect(constraintSummary(m, "users")).toEqual(["users_pkey primary-key(id)", "users_email_key unique(email)"]);
    expect(constraintSummary(m, "orders")).toEqual([
      "orders_user_id_fkey foreign-key(user_id) -> public.users",
      "orders_total_check check(total)",
      "orders_total_nn check(total) not-valid",
      "orders_id_fkey foreign-key(id) not-valid -> public.users",
    ]);
    expect(m.constraints("orders").find((c) => c.name === "orders_total_nn")?.notNullColumns).toEqual(["total"]);
    expect(m.constraints("orders").find((c) => c.name === "orders_total_check")?.notNullColumns).toEqual([]);
  });

  it("follows VALIDATE, RENAME CONSTRAINT, DROP CONSTRAINT and DROP COLUMN", () => {
    const m = model(
      "CREATE TABLE t (id int, a int, b int);\nALTER TABLE t ADD CONSTRAINT c1 CHECK (a > 0) NOT VALID;\nALTER TABLE t ADD CONSTRAINT c2 CHECK (b > 0);\nALTER TABLE t ADD CONSTRAINT c3 CHECK (a < b);",
      "ALTER TABLE t VALIDATE CONSTRAINT c1;\nALTER TABLE t RENAME CONSTRAINT c1 TO a_positive;\nALTER TABLE t DROP CONSTRAINT c2;",
      "ALTER TABLE t DROP COLUMN b;",
    );
    expect(constraintSummary(m, "t")).toEqual(["a_positive check(a)"]);
  });

  it("drops before it adds in one ALTER TABLE, as Postgres does", () => {
    const m = model("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);", "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 1) NOT VALID, DROP CONSTRAINT c;");
    expect(constraintSummary(m, "t")).toEqual(["c check(a) not-valid"]);
  });

  it("a NOT ENFORCED check is never validated (PG 18)", () => {
    const m = model("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT ENFORCED;");
    expect(m.constraints("t")[0]?.validated).toBe(false);
  });

  it("constraints of a table that existed before the run are known, the table is not complete", () => {
    const m = model("ALTER TABLE legacy ADD CONSTRAINT legacy_a_check CHECK (a > 0);");
    expect(constraintSummary(m, "legacy")).toEqual(["legacy_a_check check(a)"]);
    expect(m.table("legacy")).toMatchObject({ created: false, complete: false });
    expect(m.tables()).toEqual([]);
  });
});

describe("indexes", () => {
  it("records name, columns in order, unique and partial, for CREATE INDEX and constraints", () => {
    const m = model(
      "CREATE TABLE app.t (id bigint PRIMARY KEY, a int, b text, c int);\nCREATE INDEX ON app.t (a, b);\nCREATE UNIQUE INDEX t_lower_b ON app.t (lower(b), a) WHERE c > 0;",
      "ALTER TABLE app.t ADD CONSTRAINT t_c_key UNIQUE (c);\nALTER TABLE app.t ADD CONSTRAINT t_no_overlap EXCLUDE USING gist (a WITH =);",
    );
    expect(indexSummary(m, "app.t")).toEqual([
      "app.t_pkey(id) unique for t_pkey",
      "app.t_a_b_idx(a,b)",
      "app.t_lower_b(<expr>,a) unique partial",
      "app.t_c_key(c) unique for t_c_key",
      "app.t_no_overlap(a) for t_no_overlap",
    ]);
    expect(m.index("app.t_a_b_idx")?.table.key).toBe("app.t");
    expect(m.indexes("app.t").map((i) => i.method)).toEqual(["btree", "btree", "btree", "btree", "gist"]);
    expect(m.index("app.t_lower_b")?.predicate).toBeDefined();
    expect(m.index("public.t_a_b_idx")).toBeUndefined();
  });

  it("follows ALTER INDEX RENAME, RENAME CONSTRAINT, USING INDEX, table renames and moves", () => {
    const m = model(
      "CREATE TABLE t (id bigint, email text);\nCREATE UNIQUE INDEX CONCURRENTLY t_email_uidx ON t (email);\nCREATE UNIQUE INDEX t_id_uidx ON t (id);",
      "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_uidx;\nALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_uidx;",
      "ALTER INDEX t_email_key RENAME TO t_email_unique;\nALTER TABLE t RENAME CONSTRAINT t_pkey TO t_primary;",
      "ALTER TABLE t RENAME TO accounts;\nALTER TABLE accounts SET SCHEMA app;",
    );
    expect(indexSummary(m, "app.accounts")).toEqual(["app.t_email_unique(email) unique for t_email_unique", "app.t_primary(id) unique for t_primary"]);
    expect(constraintSummary(m, "app.accounts")).toEqual(["t_email_unique unique(email)", "t_primary primary-key(id)"]);
    expect(m.index("app.t_primary")?.table.key).toBe("app.accounts");
    expect(m.index("public.t_primary")).toBeUndefined();
  });

  it("forgets indexes dropped directly, with their constraint, with a column or with the table", () => {
    const m = model(
      "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int UNIQUE, c int);\nCREATE INDEX t_a_idx ON t (a);\nCREATE INDEX t_c_idx ON t (c);\nCREATE TABLE u (id int);\nCREATE INDEX u_id_idx ON u (id);",
      "DROP INDEX t_a_idx;\nALTER TABLE t DROP CONSTRAINT t_b_key;\nALTER TABLE t DROP COLUMN c;\nDROP TABLE u;",
    );
    expect(indexSummary(m, "t")).toEqual(["public.t_pkey(id) unique for t_pkey"]);
    expect(m.index("u_id_idx")).toBeUndefined();
    expect(m.index("t_c_idx")).toBeUndefined();
  });

  it("CREATE INDEX IF NOT EXISTS keeps the index already known under that name", () => {
    const m = model("CREATE TABLE t (a int, b int);\nCREATE INDEX t_idx ON t (a);", "CREATE INDEX IF NOT EXISTS t_idx ON t (b);");
    expect(indexSummary(m, "t")).toEqual(["public.t_idx(a)"]);
  });
});

describe("transactions, syntax errors and sections", () => {
  it("undoes what a rolled-back transaction did and keeps what a committed one did", () => {
    const m = model(
      "CREATE TABLE t (a varchar(10));\nBEGIN;\nCREATE TABLE gone (id int);\nCREATE INDEX t_a_idx ON t (a);\nALTER TABLE t ALTER COLUMN a TYPE text;\nROLLBACK;\nBEGIN;\nCREATE TABLE kept (id int);\nCOMMIT;",
    );
    expect(m.tables().map((t) => t.relation.key).sort()).toEqual(["public.kept", "public.t"]);
    expect(m.indexes("t")).toEqual([]);
    expect(m.columnType("t", "a")).toMatchObject({ name: "varchar", mods: [10] });
  });

  it("a transaction left open at the end of a file counts as committed; the next file starts outside it", () => {
    const m = model("BEGIN;\nCREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL);", "BEGIN;\nDROP TABLE t;\nROLLBACK;");
    expect(m.table("t")?.created).toBe(true);
    expect(m.notNullProof("t", "a")?.constraint).toBe("t_a_nn");
  });

  it("a file with a syntax error feeds the statements that parsed", () => {
    const parsed = parseSql("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUM b int;\nCREATE INDEX t_a_idx ON t (a);");
    expect(parsed.errors.length).toBe(1);
    const m = new SchemaModel();
    m.apply(parsed);
    expect(indexSummary(m, "t")).toEqual(["public.t_a_idx(a)"]);
  });

  it("applies only the statements it is given (an up section without its down section)", () => {
    const parsed = parseSql("CREATE TABLE t (a int);\nDROP TABLE t;");
    const m = new SchemaModel();
    m.apply(parsed, { statements: parsed.statements.slice(0, 1) });
    expect(m.table("t")?.created).toBe(true);
  });
});

describe("forks for rules", () => {
  it("a fork starts from the model's state and does not change it", () => {
    const m = model("CREATE TABLE t (a varchar(10), b int);", "ALTER TABLE t ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL);");
    const types = m.forkColumnTypes();
    const checks = m.forkNotNullChecks();
    for (const s of parseSql("ALTER TABLE t ALTER COLUMN a TYPE text;\nALTER TABLE t DROP CONSTRAINT t_b_nn;\nDROP TABLE t;").statements) {
      types.observe(s);
      checks.observe(s);
    }
    expect(types.typeOf("public.t", "a")).toBeUndefined();
    expect(checks.proofOf("public.t", "b")).toBeUndefined();
    expect(m.columnType("public.t", "a")).toMatchObject({ name: "varchar", mods: [10] });
    expect(m.notNullProof("public.t", "b")?.constraint).toBe("t_b_nn");
  });

  it("the lock model sees the known old type: a coercible ALTER COLUMN TYPE is instant", () => {
    const m = model("CREATE TABLE t (a varchar(10), b integer);");
    const effect = (sql: string, schema?: SchemaModel): string | undefined =>
      analyzeMigration(parseSql(sql), schema ? { schema } : {}).facts(0).locks[0]?.effect;
    expect(effect("ALTER TABLE t ALTER COLUMN a TYPE text;", m)).toBe("instant");
    expect(effect("ALTER TABLE t ALTER COLUMN a TYPE varchar(20);", m)).toBe("instant");
    expect(effect("ALTER TABLE t ALTER COLUMN b TYPE bigint;", m)).toBe("rewrite");
    expect(effect("ALTER TABLE t ALTER COLUMN a TYPE text;")).toBe("rewrite");
    // Without an earlier file, a type declared earlier in the same file counts too.
    const inFile = analyzeMigration(parseSql("ALTER TABLE t ADD COLUMN c varchar(5);\nALTER TABLE t ALTER COLUMN c TYPE varchar(50);"));
    expect(inFile.facts(1).locks[0]?.effect).toBe("instant");
  });

  it("the old type is the one the statements before it left, also after a type change the lock model did not ask about", () => {
    const m = model("CREATE TABLE t (a varchar(10));");
    const file = analyzeMigration(
      parseSql("ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer;\nSELECT 1;\nALTER TABLE t ALTER COLUMN a TYPE varchar(20);"),
      { schema: m },
    );
    expect(file.facts(0).locks[0]?.effect).toBe("rewrite");
    // integer → varchar(20) rewrites; varchar(10) (the type before the file) → varchar(20) would not.
    expect(file.facts(2).locks[0]?.effect).toBe("rewrite");
    expect(m.columnType("public.t", "a")).toMatchObject({ name: "varchar", mods: [10] });
  });

  it("a fork's validations, renames, additions and drops of NOT NULL proofs leave the model's as they were", () => {
    const m = model(
      "CREATE TABLE t (a int, b int, c int);\nCREATE TABLE u (x int);",
      "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID, ADD CONSTRAINT t_b_nn CHECK (b IS NOT NULL);",
    );
    const checks = m.forkNotNullChecks();
    const sql = [
      "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;",
      "ALTER TABLE t RENAME CONSTRAINT t_b_nn TO t_b_checked;",
      "ALTER TABLE t RENAME COLUMN b TO bb;",
      "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
      "ALTER TABLE u ALTER COLUMN x SET NOT NULL;",
    ].join("\n");
    for (const s of parseSql(sql).statements) checks.observe(s);
    expect(checks.proofOf("public.t", "a")).toEqual({ kind: "check", constraint: "t_a_nn" });
    expect(checks.proofOf("public.t", "b")).toBeUndefined();
    expect(checks.proofOf("public.t", "bb")).toEqual({ kind: "check", constraint: "t_b_checked" });
    expect(checks.proofOf("public.t", "c")).toEqual({ kind: "not-null", constraint: "t_c_not_null" });
    expect(checks.proofOf("public.u", "x")).toEqual({ kind: "not-null", constraint: "u_x_not_null" });
    expect(m.notNullProof("public.t", "a")).toBeUndefined();
    expect(m.notNullProof("public.t", "b")).toEqual({ kind: "check", constraint: "t_b_nn" });
    expect(m.notNullProof("public.t", "bb")).toBeUndefined();
    expect(m.notNullProof("public.t", "c")).toBeUndefined();
    expect(m.notNullProof("public.u", "x")).toBeUndefined();
    // A second fork starts from the model again.
    expect(m.forkNotNullChecks().proofOf("public.t", "c")).toBeUndefined();
  });
});

describe("CowMap", () => {
  const copy = (v: { n: number }) => ({ ...v });

  it("a fork reads through, copies on edit, and remembers deletions", () => {
    const base = new CowMap(copy);
    base.set("a", { n: 1 });
    base.set("b", { n: 2 });
    const fork = base.fork();
    fork.edit("a")!.n = 10;
    fork.delete("b");
    fork.set("c", { n: 3 });
    expect([base.get("a")?.n, base.get("b")?.n, base.get("c")]).toEqual([1, 2, undefined]);
    expect([fork.get("a")?.n, fork.get("b"), fork.get("c")?.n]).toEqual([10, undefined, 3]);
    expect([...fork.entries()].map(([k, v]) => `${k}=${v.n}`).sort()).toEqual(["a=10", "c=3"]);
  });

  it("absorb applies a direct fork's changes, tombstones included", () => {
    const root = new CowMap(copy);
    root.set("a", { n: 1 });
    const middle = root.fork();
    middle.set("b", { n: 2 });
    const top = middle.fork();
    top.delete("a");
    top.delete("b");
    top.set("c", { n: 3 });
    middle.absorb(top);
    expect([...middle.entries()].map(([k]) => k)).toEqual(["c"]);
    expect(root.get("a")?.n).toBe(1);
    expect(() => root.absorb(top)).toThrow(/not a fork/);
  });
});
