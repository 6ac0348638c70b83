import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSql } from "../../src/parser/parse.js";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const ADD = "ALTER TYPE mood ADD VALUE 'happy'";

runRuleTests("alter-enum-add-value-in-transaction", {
  valid: [
    { name: "PG 12+: adding a value inside a transaction, unused there", code: `BEGIN;\n${ADD};\nCOMMIT;` },
    { name: "PG 10: outside a transaction block", code: `${ADD};\nUPDATE people SET mood = 'happy' WHERE id = 1;`, options: { pgVersion: 10 } },
    { name: "PG 12+: committed before it is used", code: `${ADD};\nBEGIN;\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;` },
    { name: "PG 12+: used in the next transaction", code: `BEGIN;\n${ADD};\nCOMMIT;\nBEGIN;\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;` },
    { name: "PG 12+: COMMIT AND CHAIN commits the value", code: `BEGIN;\n${ADD};\nCOMMIT AND CHAIN;\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;` },
    { name: "PG 12+: another literal", code: `BEGIN;\n${ADD};\nUPDATE people SET mood = 'sad' WHERE id = 1;\nCOMMIT;` },
    { name: "PG 12+: a literal cast to text is not an enum value", code: `BEGIN;\n${ADD};\nSELECT 'happy'::text;\nSELECT count(*) FROM people WHERE mood::text = 'happy';\nCOMMIT;` },
    { name: "PG 12+: the new value as the neighbour of the next one", code: `BEGIN;\n${ADD};\nALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';\nCOMMIT;` },
    { name: "PG 12+: a cast of the literal to another enum type", code: `BEGIN;\n${ADD};\nSELECT 'happy'::app.mood;\nCOMMIT;` },
    { name: "RENAME VALUE is allowed in a transaction, on every version", code: "BEGIN;\nALTER TYPE mood RENAME VALUE 'glad' TO 'happy';\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;", options: { pgVersion: 10 } },
    {
      name: "PG 10: a type created earlier in the same transaction",
      code: "BEGIN;\nCREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nCREATE TABLE people (mood mood DEFAULT 'happy');\nCOMMIT;",
      options: { pgVersion: 10 },
    },
    {
      name: "PG 12+: a type created earlier in the transaction the tool wraps the file in",
      code: "CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nCREATE TABLE people (mood mood DEFAULT 'happy');",
      options: { assumeInTransaction: true },
    },
    { name: "quoted type created earlier in the same transaction", code: `BEGIN;\nCREATE TYPE "Mood" AS ENUM ('sad');\nALTER TYPE "Mood" ADD VALUE 'happy';\nSELECT 'happy'::"Mood";\nCOMMIT;`, options: { pgVersion: 11 } },
  ],
  invalid: [
    {
      name: "PG 12+: the new value cast to the type in the same transaction",
      code: `BEGIN;\n${ADD};\nSELECT count(*) FROM people WHERE mood = 'happy'::mood;\nCOMMIT;`,
      errors: [
        {
          messageId: "newValueCast",
          line: 3,
          column: 42,
          endLine: 3,
          endColumn: 55,
          includes: ["'happy'::mood", 'enum "mood" on line 2', "unsafe use of new value"],
          helpIncludes: ["  ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';\n  COMMIT;\n  BEGIN;\n  SELECT count(*) FROM people"],
        },
      ],
    },
    {
      name: "PG 12+: the new value as a bare literal, in the transaction the tool wraps the file in",
      code: `${ADD};\nINSERT INTO people (id, mood) VALUES (1, 'happy');`,
      options: { assumeInTransaction: true },
      errors: [{ messageId: "newValueLiteral", line: 2, column: 42, endColumn: 49, includes: ["The literal 'happy'", '"mood" on line 1'], helpIncludes: ["migration of its own", "-- next migration:"] }],
    },
    {
      name: "PG 11: ADD VALUE inside a transaction fails",
      code: `BEGIN;\n${ADD} AFTER 'ok';\nCOMMIT;`,
      options: { pgVersion: 11 },
      errors: [
        {
          messageId: "addValueInTransaction",
          line: 2,
          column: 17,
          endColumn: 45,
          includes: ["'happy'", 'enum "mood"', "cannot run inside a transaction block"],
          helpIncludes: ["before BEGIN, or in a migration of its own", "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok';"],
        },
      ],
    },
    {
      name: "PG 10: ADD VALUE in the transaction the tool wraps the file in, even when unused",
      code: `${ADD};`,
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "addValueInTransaction", line: 1, column: 17, helpIncludes: ["runs without a transaction"] }],
    },
    {
      name: "PG 12+: several uses, each reported; a literal in an IN list and in an array",
      code: `BEGIN;\n${ADD};\nUPDATE people SET mood = 'happy' WHERE mood IN ('ok', 'happy');\nSELECT ARRAY['happy']::mood[];\nCOMMIT;`,
      errors: [
        { messageId: "newValueLiteral", line: 3, column: 26 },
        { messageId: "newValueLiteral", line: 3, column: 55 },
        { messageId: "newValueLiteral", line: 4, column: 14 },
      ],
    },
    {
      name: "PG 12+: a use inside a DO block of the same transaction",
      code: `BEGIN;\n${ADD};\nDO $$ BEGIN UPDATE people SET mood = 'happy'; END $$;\nCOMMIT;`,
      errors: [{ messageId: "newValueLiteral", line: 3, column: 38, endColumn: 45 }],
    },
    {
      name: "unquoted type name folds to lower case: Mood is not the new \"Mood\"",
      code: `CREATE TYPE "Mood" AS ENUM ('sad');\nBEGIN;\nALTER TYPE Mood ADD VALUE 'happy';\nSELECT 'happy'::mood;\nCOMMIT;`,
      errors: [{ messageId: "newValueCast", line: 4, column: 8, includes: ['"mood"'] }],
    },
    {
      name: "schema-qualified: public.mood is mood, app.mood is another type",
      code: `BEGIN;\nCREATE TYPE app.mood AS ENUM ('sad');\nALTER TYPE public.mood ADD VALUE 'happy';\nSELECT 'happy'::app.mood, 'happy'::mood, 'happy'::public.mood;\nCOMMIT;`,
      errors: [
        { messageId: "newValueCast", line: 4, column: 27, endColumn: 40, includes: ['"public.mood"'] },
        { messageId: "newValueCast", line: 4, column: 42, endColumn: 62 },
      ],
    },
    {
      name: "PG 11: a type created in an earlier, committed transaction is an existing type",
      code: "BEGIN;\nCREATE TYPE mood AS ENUM ('sad');\nCOMMIT;\nBEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "addValueInTransaction", line: 5, column: 17 }],
    },
    {
      name: "realistic Flyway migration: PG 15",
      fixture: "invalid/add-and-backfill.sql",
      errors: [
        { messageId: "newValueLiteral", line: 9, column: 17, endColumn: 27, includes: ['"order_status" on line 5'] },
        { messageId: "newValueCast", line: 13, column: 55, endColumn: 79, includes: ["'refunded'::order_status"] },
      ],
    },
    {
      name: "realistic Flyway migration: PG 11",
      fixture: "invalid/add-and-backfill.sql",
      options: { pgVersion: 11 },
      errors: [{ messageId: "addValueInTransaction", line: 5, column: 25, endColumn: 72, helpIncludes: ["ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';"] }],
    },
  ],
});

/**
 * PG ≥ 12: ADD VALUE runs inside a transaction block, but using the new value before COMMIT fails.
 * Each script runs statement by statement (as psql does) on PostgreSQL 18, and the rule must
 * report exactly the scripts that fail.
 */
describe("alter-enum-add-value-in-transaction: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const use = (sql: string): string => `BEGIN;\n${ADD};\n${sql};\nCOMMIT;`;

  it.each([
    ["unused", `BEGIN;\n${ADD};\nCOMMIT;`, false],
    ["cast to the type", use("SELECT 'happy'::mood"), true],
    ["stored by UPDATE", use("UPDATE people SET mood = 'happy' WHERE id = 1"), true],
    ["stored by INSERT", use("INSERT INTO people VALUES (2, 'happy')"), true],
    ["compared in WHERE", use("SELECT count(*) FROM people WHERE mood = 'happy'"), true],
    ["in a column DEFAULT", use("ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'happy'"), true],
    ["in a CHECK constraint", use("ALTER TABLE people ADD CONSTRAINT people_mood_check CHECK (mood <> 'happy')"), true],
    ["in an array of the type", use("SELECT ARRAY['happy']::mood[]"), true],
    ["compared as text", use("SELECT count(*) FROM people WHERE mood::text = 'happy'"), false],
    ["cast to text", use("SELECT 'happy'::text"), false],
    ["as the neighbour of another new value", use("ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy'"), false],
    ["after COMMIT AND CHAIN", `BEGIN;\n${ADD};\nCOMMIT AND CHAIN;\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;`, false],
    ["committed on its own first", `${ADD};\nBEGIN;\nUPDATE people SET mood = 'happy' WHERE id = 1;\nCOMMIT;`, false],
    [
      "the type created in the same transaction",
      "BEGIN;\nCREATE TYPE status AS ENUM ('new');\nALTER TYPE status ADD VALUE 'done';\nCREATE TABLE tasks (s status DEFAULT 'done');\nINSERT INTO tasks VALUES ('done');\nCOMMIT;",
      false,
    ],
  ] as const)("%s: fails = %s", async (_name, script, fails) => {
    await db.exec(
      "DROP TABLE IF EXISTS people, tasks; DROP TYPE IF EXISTS mood, status; CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE people (id int, mood mood); INSERT INTO people VALUES (1, 'ok');",
    );
    let error: string | undefined;
    for (const statement of parseSql(script).statements) {
      try {
        await db.exec(statement.text);
      } catch (e) {
        error = (e as Error).message;
        break;
      }
    }
    if (error !== undefined) await db.exec("ROLLBACK");
    if (fails) expect(error).toMatch(/unsafe use of new value "happy" of enum type mood/);
    else expect(error).toBeUndefined();
    const reported = lintWithRule("alter-enum-add-value-in-transaction", script, { pgVersion: 18 }).messages;
    expect(reported.length > 0).toBe(fails);
  });
});
