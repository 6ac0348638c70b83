import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEdits, lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const ADD = "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE LIKE '%@%');";

runRuleTests("ban-alter-domain-with-add-constraint", {
  valid: [
    "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE LIKE '%@%') NOT VALID;",
    { name: "dropping constraints, defaults and NOT NULL, renaming", code: "ALTER DOMAIN email DROP CONSTRAINT email_format;\nALTER DOMAIN email DROP NOT NULL;\nALTER DOMAIN email SET DEFAULT '';\nALTER DOMAIN email RENAME CONSTRAINT a TO b;" },
    { name: "a domain created earlier in the file (in a transaction)", code: "BEGIN;\nCREATE DOMAIN app.email AS text;\nALTER DOMAIN app.email ADD CHECK (VALUE LIKE '%@%');\nALTER DOMAIN app.email SET NOT NULL;\nALTER DOMAIN app.email VALIDATE CONSTRAINT email_check;\nCOMMIT;" },
    { name: "CREATE DOMAIN ... CHECK is another rule's business", code: "CREATE DOMAIN positive AS int CHECK (VALUE > 0);" },
  ],
  invalid: [
    {
      name: "a validated CHECK: SHARE on every table using the domain; suggestion adds NOT VALID",
      code: ADD,
      errors: [
        {
          messageId: "addConstraint",
          line: 1,
          column: 20,
          endLine: 1,
          endColumn: 72,
          includes: ['Adding constraint "email_format" to domain "email"', "SHARE lock on each of those tables", "writes (INSERT, UPDATE, DELETE) to them wait"],
          helpIncludes: [`${ADD.slice(0, -1)} NOT VALID;`, "still takes a SHARE lock", "SET lock_timeout = '2s';", "ALTER DOMAIN email VALIDATE CONSTRAINT email_format;"],
          suggestions: [{ messageId: "addNotValid", output: `${ADD.slice(0, -1)} NOT VALID;` }],
        },
      ],
    },
    {
      name: "an unnamed CHECK: the help validates it under the name Postgres gives it",
      code: "ALTER DOMAIN app.postal_code ADD CHECK (VALUE ~ '^[0-9]{5}$');",
      errors: [{ messageId: "addConstraint", line: 1, column: 30, includes: ['(named "postal_code_check" by PostgreSQL)', 'domain "app.postal_code"'], helpIncludes: ["ALTER DOMAIN app.postal_code VALIDATE CONSTRAINT postal_code_check;"] }],
    },
    {
      name: "SET NOT NULL and ADD CONSTRAINT ... NOT NULL have no NOT VALID form",
      code: "ALTER DOMAIN email SET NOT NULL;\nALTER DOMAIN email ADD CONSTRAINT email_required NOT NULL;",
      errors: [
        { messageId: "setNotNull", line: 1, column: 20, endColumn: 32, includes: ['Making domain "email" NOT NULL', "no NOT VALID form"], helpIncludes: ["SET lock_timeout = '2s';", "ALTER DOMAIN email SET NOT NULL;"] },
        { messageId: "setNotNull", line: 2, column: 20, endColumn: 58 },
      ],
    },
    {
      name: "VALIDATE CONSTRAINT of a domain blocks writes, unlike a table's",
      code: "ALTER DOMAIN email VALIDATE CONSTRAINT email_format;",
      errors: [
        {
          messageId: "validateConstraint",
          line: 1,
          column: 20,
          endColumn: 52,
          includes: ['Validating constraint "email_format" of domain "email"', "unlike ALTER TABLE ... VALIDATE CONSTRAINT, it blocks writes"],
          helpIncludes: ["keep it NOT VALID", "ALTER TABLE ... VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: writes go on)"],
        },
      ],
    },
    {
      name: 'a domain "Email" or app.email created in the file is not email; the same in a transaction and on PostgreSQL 10',
      code: "CREATE DOMAIN \"Email\" AS text;\nCREATE DOMAIN app.email AS text;\nALTER DOMAIN email ADD CHECK (VALUE <> '');",
      options: { assumeInTransaction: true, pgVersion: 10 },
      errors: [{ messageId: "addConstraint", line: 3, column: 20, includes: ['(named "email_check" by PostgreSQL)'] }],
    },
    {
      name: "realistic: tightening a product code domain",
      fixture: "invalid/tighten-sku.sql",
      errors: [
        { messageId: "addConstraint", line: 3, column: 26, endColumn: 79, includes: ['"sku_upper"', 'domain "catalog.sku"'], helpIncludes: ["ALTER DOMAIN catalog.sku VALIDATE CONSTRAINT sku_upper;"] },
        { messageId: "setNotNull", line: 4, column: 26, endColumn: 38 },
      ],
    },
  ],
});

describe("ban-alter-domain-with-add-constraint: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`CREATE DOMAIN email AS text; CREATE DOMAIN work_email AS email;
      CREATE TABLE users (id int, address email); CREATE TABLE staff (id int, address work_email); CREATE TABLE other (id int, note text);
      INSERT INTO users VALUES (1, 'a@example.com'); INSERT INTO staff VALUES (1, 'b@example.com');`);
  });
  afterAll(async () => {
    await db.close();
  });

  /** Table locks held by this session, after running `sql` in a transaction (rolled back). */
  const tableLocks = async (sql: string): Promise<string[]> => {
    await db.exec(`BEGIN; ${sql}`);
    const { rows } = await db.query<{ lock: string }>(
      "SELECT c.relname || ':' || l.mode AS lock FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname IN ('users', 'staff', 'other') ORDER BY 1",
    );
    await db.exec("ROLLBACK");
    return rows.map((r) => r.lock);
  };

  it("ADD CONSTRAINT ... CHECK takes SHARE on every table using the domain, also through a domain over it", async () => {
    expect(await tableLocks(ADD)).toEqual(["staff:ShareLock", "users:ShareLock"]);
  });

  it("with NOT VALID (the suggestion) no table is locked, and new values are checked at once", async () => {
    const [message] = lintWithRule("ban-alter-domain-with-add-constraint", ADD).messages;
    const fixed = applyEdits(ADD, [message!.suggestions![0]!.fix]);
    expect(await tableLocks(fixed)).toEqual([]);
    await db.exec(fixed);
    await expect(db.exec("INSERT INTO users VALUES (2, 'nope')")).rejects.toThrow('value for domain email violates check constraint "email_format"');
  });

  it("VALIDATE CONSTRAINT of a domain takes SHARE on each table; a table's VALIDATE takes SHARE UPDATE EXCLUSIVE", async () => {
    expect(await tableLocks("ALTER DOMAIN email VALIDATE CONSTRAINT email_format;")).toEqual(["staff:ShareLock", "users:ShareLock"]);
    await db.exec("ALTER TABLE other ADD CONSTRAINT other_note_check CHECK (note <> '') NOT VALID");
    expect(await tableLocks("ALTER TABLE other VALIDATE CONSTRAINT other_note_check;")).toEqual(["other:ShareUpdateExclusiveLock"]);
  });

  it("SET NOT NULL and ADD ... NOT NULL take SHARE on each table; NOT NULL cannot be NOT VALID", async () => {
    expect(await tableLocks("ALTER DOMAIN email SET NOT NULL;")).toEqual(["staff:ShareLock", "users:ShareLock"]);
    expect(await tableLocks("ALTER DOMAIN email ADD CONSTRAINT email_required NOT NULL;")).toEqual(["staff:ShareLock", "users:ShareLock"]);
    await expect(db.exec("ALTER DOMAIN email ADD CONSTRAINT email_required NOT NULL NOT VALID")).rejects.toThrow("NOT NULL constraints cannot be marked NOT VALID");
  });

  it("an unnamed domain CHECK is named <domain>_check, as the help says", async () => {
    const sql = "ALTER DOMAIN work_email ADD CHECK (VALUE LIKE '%@%') NOT VALID;";
    await db.exec(sql);
    const { rows } = await db.query("SELECT conname::text AS name FROM pg_constraint WHERE contypid = 'work_email'::regtype");
    expect(rows).toEqual([{ name: "work_email_check" }]);
    const help = lintWithRule("ban-alter-domain-with-add-constraint", sql.replace(" NOT VALID", "")).messages[0]!.help!;
    await db.exec(/ALTER DOMAIN work_email VALIDATE CONSTRAINT work_email_check;/.exec(help)![0]);
  });

  it("a column whose type is an array of the domain makes ADD CONSTRAINT fail", async () => {
    await db.exec("CREATE DOMAIN tag AS text; CREATE TABLE posts (tags tag[]);");
    await expect(db.exec("ALTER DOMAIN tag ADD CHECK (VALUE <> '')")).rejects.toThrow('cannot alter type "tag" because column "posts.tags" uses it');
  });
});
