import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("adding-generated-stored-column", {
  valid: [
    "ALTER TABLE people ADD COLUMN height_in numeric;",
    "CREATE TABLE people (height_cm numeric, height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED);",
    { name: "PG 18: VIRTUAL does not rewrite", code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) VIRTUAL;", options: { pgVersion: 18 } },
    { name: "PG 18: no keyword means VIRTUAL", code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54);", options: { pgVersion: 18 } },
    { name: "table created earlier in the same file", code: "CREATE TABLE people (height_cm numeric);\nALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.people (height_cm numeric);\nALTER TABLE app.people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;\nCOMMIT;",
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "People" (cm numeric);\nALTER TABLE "People" ADD COLUMN inch numeric GENERATED ALWAYS AS (cm / 2.54) STORED;' },
  ],
  invalid: [
    {
      name: "stored generated column on an existing table",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      errors: [
        {
          messageId: "storedColumn",
          line: 1,
          column: 20,
          endColumn: 94,
          includes: ['"height_in"', '"people"', "rewrites the whole table", "ACCESS EXCLUSIVE", "blocks reads and writes"],
          helpIncludes: [
            "ALTER TABLE people ADD COLUMN height_in numeric;",
            "CREATE FUNCTION people_height_in_generated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.height_in := (NEW.height_cm / 2.54); RETURN NEW; END $$;",
            "CREATE TRIGGER people_height_in_generated BEFORE INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION people_height_in_generated();",
            "UPDATE people SET height_in = (height_cm / 2.54) WHERE ctid = ANY (ARRAY(SELECT ctid FROM people WHERE height_in IS DISTINCT FROM (height_cm / 2.54) LIMIT 10000));",
          ],
        },
      ],
    },
    {
      name: "PG 18: STORED still rewrites, and the help offers VIRTUAL first",
      code: 'ALTER TABLE app."People" ADD COLUMN "fullName" text GENERATED ALWAYS AS ("First" || \' \' || last) STORED;',
      options: { pgVersion: 18 },
      errors: [
        {
          messageId: "storedColumn",
          line: 1,
          column: 26,
          includes: ['"fullName"', '"app.People"'],
          helpIncludes: [
            'ALTER TABLE app."People" ADD COLUMN "fullName" text GENERATED ALWAYS AS ("First" || \' \' || last) VIRTUAL;',
            'NEW."fullName" := (NEW."First" || \' \' || NEW.last);',
            'CREATE FUNCTION app."People_fullName_generated"()',
          ],
        },
      ],
    },
    {
      name: "PG 17: no VIRTUAL suggestion in the help",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      options: { pgVersion: 17 },
      errors: [{ messageId: "storedColumn", line: 1, column: 20, helpIncludes: ["add a plain column"] }],
    },
    {
      name: "PG 17: VIRTUAL does not exist, the statement fails",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) VIRTUAL;",
      options: { pgVersion: 17 },
      errors: [{ messageId: "unsupported", line: 1, column: 20, includes: ["PostgreSQL 17", '"height_in"', "VIRTUAL generated columns arrive in PostgreSQL 18", "fails"], helpIncludes: ["set pgVersion"] }],
    },
    {
      name: "PG 17: without STORED the column would be virtual, which fails there",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54);",
      options: { pgVersion: 17 },
      errors: [{ messageId: "unsupported", line: 1, column: 20, includes: ["without STORED the column is virtual", "STORED is required"] }],
    },
    {
      name: "PG 11: no generated columns at all; the trigger uses EXECUTE FUNCTION",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "unsupported", line: 1, column: 20, includes: ["generated columns arrive in PostgreSQL 12"], helpIncludes: ["EXECUTE FUNCTION people_height_in_generated();"] }],
    },
    {
      name: "PG 10: the trigger uses EXECUTE PROCEDURE",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "unsupported", line: 1, column: 20, helpIncludes: ["EXECUTE PROCEDURE people_height_in_generated();"] }],
    },
    {
      name: "PG 12 is the first version with stored generated columns",
      code: "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      options: { pgVersion: 12 },
      errors: [{ messageId: "storedColumn", line: 1, column: 20 }],
    },
    {
      name: "only the stored column among several actions",
      code: "ALTER TABLE people\n  ADD COLUMN note text,\n  ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "storedColumn", line: 3, column: 3, endLine: 3, endColumn: 77 }],
    },
    {
      name: "an unquoted name is not the quoted table created in the file; another schema is another table",
      code: 'CREATE TABLE "People" (cm numeric);\nCREATE TABLE app.people (cm numeric);\nALTER TABLE People ADD COLUMN inch numeric GENERATED ALWAYS AS (cm / 2.54) STORED;\nALTER TABLE people ADD COLUMN inch numeric GENERATED ALWAYS AS (cm / 2.54) STORED;',
      errors: [
        { messageId: "storedColumn", line: 3, column: 20 },
        { messageId: "storedColumn", line: 4, column: 20 },
      ],
    },
    {
      name: "fixture: a search vector column",
      fixture: "invalid/search-vector.sql",
      errors: [
        {
          messageId: "storedColumn",
          line: 5,
          column: 3,
          includes: ['"search"', '"articles"'],
          helpIncludes: ["NEW.search := (to_tsvector('english', coalesce(NEW.title, '') || ' ' || coalesce(NEW.body, '')));"],
        },
      ],
    },
  ],
});

/** The SQL lines of a help text (indented by two spaces), without trailing comments. */
function helpStatements(help: string | undefined): string[] {
  return (help ?? "")
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.replace(/\s+-- [^']*$/, "").trim());
}

// What the rule encodes, checked against a real PostgreSQL 18: no keyword means VIRTUAL, a virtual
// column does not rewrite, a stored one does, and the suggested trigger path does not either.
describe("adding-generated-stored-column: Postgres 18 agrees (PGlite)", () => {
  let db: PGlite;
  const filenode = async (): Promise<number> => (await db.query<{ f: number }>("SELECT pg_relation_filenode('people') AS f")).rows[0]!.f;
  const kind = async (column: string): Promise<string | undefined> =>
    (await db.query<{ k: string }>("SELECT attgenerated AS k FROM pg_attribute WHERE attrelid = 'people'::regclass AND attname = $1", [column])).rows[0]?.k;

  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });
  const reset = (): Promise<unknown> =>
    db.exec("DROP TABLE IF EXISTS people; CREATE TABLE people (id int, height_cm numeric); INSERT INTO people SELECT g, g FROM generate_series(1, 200) g;");

  it("the server is PostgreSQL 18", async () => {
    expect((await db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v).toMatch(/^18/);
  });

  it.each([
    ["no keyword", "", "v", false],
    ["VIRTUAL", " VIRTUAL", "v", false],
    ["STORED", " STORED", "s", true],
  ] as const)("%s: attgenerated and rewrite agree with the rule on PG 18", async (_label, keyword, attgenerated, rewrites) => {
    await reset();
    const sql = `ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54)${keyword};`;
    const before = await filenode();
    await db.exec(sql);
    expect(await kind("height_in")).toBe(attgenerated);
    expect((await filenode()) !== before).toBe(rewrites);
    expect(lintWithRule("adding-generated-stored-column", sql, { pgVersion: 18 }).messages.length).toBe(rewrites ? 1 : 0);
  });

  it("the trigger path in the help fills the column without a rewrite and keeps it current", async () => {
    await reset();
    const sql = "ALTER TABLE people ADD COLUMN height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED;";
    const [finding] = lintWithRule("adding-generated-stored-column", sql, { pgVersion: 17 }).messages;
    const before = await filenode();
    for (const statement of helpStatements(finding?.help)) await db.exec(statement);
    expect(await filenode()).toBe(before);
    await db.exec("INSERT INTO people (id, height_cm) VALUES (1000, 254)");
    const wrong = await db.query("SELECT id FROM people WHERE height_in IS DISTINCT FROM height_cm / 2.54");
    expect(wrong.rows).toEqual([]);
  });
});
