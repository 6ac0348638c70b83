import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintWithRule, runRuleTests } from "../harness/rule-tester.js";

runRuleTests("disallowed-unique-constraint", {
  valid: [
    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);",
    { name: "PRIMARY KEY and EXCLUDE are other rules' business", code: "ALTER TABLE users ADD PRIMARY KEY (id), ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);" },
    {
      name: "table created earlier in the same file, without a transaction",
      code: "CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD UNIQUE (email);\nALTER TABLE users ADD COLUMN handle text UNIQUE;",
    },
    { name: "table created by an earlier, unapplied file of the run", code: "ALTER TABLE users ADD UNIQUE (email);", options: { newTables: ["public.users"] } },
  ],
  invalid: [
    {
      name: "ADD UNIQUE (col): generated name, lock, and the concurrent path",
      code: "ALTER TABLE users ADD UNIQUE (email);",
      errors: [
        {
          messageId: "uniqueConstraint",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 37,
          includes: ['"users_email_key" (the name Postgres generates)', 'on "users" ("email")', "ACCESS EXCLUSIVE", "reads and writes"],
          helpIncludes: [
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);",
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
          ],
        },
      ],
    },
    {
      name: "realistic: a unique pair and a unique new column",
      fixture: "invalid/unique-slug.sql",
      errors: [
        {
          messageId: "uniqueConstraint",
          line: 6,
          column: 22,
          includes: ['"projects_workspace_id_slug_key" on "projects" ("workspace_id", "slug")'],
          helpIncludes: ["ON projects (workspace_id, slug);", "ADD CONSTRAINT projects_workspace_id_slug_key UNIQUE USING INDEX projects_workspace_id_slug_key;"],
        },
        {
          messageId: "uniqueColumn",
          line: 9,
          column: 24,
          includes: ['column "token_hash" to "api_tokens"', '"api_tokens_token_hash_key" (the name Postgres generates)'],
          helpIncludes: [
            "ALTER TABLE api_tokens ADD COLUMN token_hash bytea;",
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS api_tokens_token_hash_key ON api_tokens (token_hash);",
            "ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_token_hash_key UNIQUE USING INDEX api_tokens_token_hash_key;",
          ],
        },
      ],
    },
    {
      name: "NULLS NOT DISTINCT, INCLUDE and DEFERRABLE are carried over",
      code: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE NULLS NOT DISTINCT (email) INCLUDE (id) DEFERRABLE INITIALLY DEFERRED;",
      errors: [
        {
          messageId: "uniqueConstraint",
          line: 1,
          column: 19,
          helpIncludes: [
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email) INCLUDE (id) NULLS NOT DISTINCT;",
            "UNIQUE USING INDEX users_email_key DEFERRABLE INITIALLY DEFERRED;",
          ],
        },
      ],
    },
    {
      name: "app.users created earlier is not public.users",
      code: "CREATE TABLE app.users (email text);\nALTER TABLE users ADD UNIQUE (email);\nALTER TABLE app.users ADD UNIQUE (email);",
      errors: [{ messageId: "uniqueConstraint", line: 2, column: 19 }],
    },
    {
      name: "quoted names stay quoted in the SQL",
      code: 'ALTER TABLE "Users" ADD UNIQUE ("Email");',
      errors: [
        {
          messageId: "uniqueConstraint",
          line: 1,
          column: 21,
          includes: ['"Users_Email_key"', 'on "Users" ("Email")'],
          helpIncludes: ['CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Users_Email_key" ON "Users" ("Email");'],
        },
      ],
    },
    {
      name: "an unquoted name folds to lower case: Users is not the new \"Users\"",
      code: 'CREATE TABLE "Users" (email text);\nALTER TABLE Users ADD UNIQUE (email);',
      errors: [{ messageId: "uniqueConstraint", line: 2, column: 19, includes: ['"users_email_key"'] }],
    },
    {
      name: "inside a transaction, on an old Postgres: still an index build under ACCESS EXCLUSIVE",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN IF NOT EXISTS handle text CONSTRAINT users_handle_unique UNIQUE;\nCOMMIT;",
      options: { pgVersion: 10 },
      errors: [
        {
          messageId: "uniqueColumn",
          line: 2,
          column: 19,
          includes: ['"users_handle_unique" while'],
          helpIncludes: ["ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text;", "users_handle_unique ON users (handle);"],
        },
      ],
    },
  ],
});

/** The SQL statements of a help text (its indented lines, without comments). */
function helpStatements(help: string | undefined): string[] {
  return (help ?? "")
    .split("\n")
    .filter((l) => l.startsWith("  ") && !l.trim().startsWith("--"))
    .map((l) => l.trim());
}

describe("disallowed-unique-constraint: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const reset = (): Promise<unknown> =>
    db.exec(`
      DROP TABLE IF EXISTS users, projects;
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE TABLE projects (id bigint PRIMARY KEY, workspace_id bigint, slug text);
      INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g;
      INSERT INTO projects SELECT g, g % 5, 's' || g FROM generate_series(1, 50) g;`);
  const definitions = async (table: string): Promise<{ conname: string; def: string; condeferrable: boolean }[]> =>
    (
      await db.query<{ conname: string; def: string; condeferrable: boolean }>(
        "SELECT conname, pg_get_constraintdef(oid) AS def, condeferrable FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'u' ORDER BY 1",
        [table],
      )
    ).rows;

  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const cases = [
    { table: "users", sql: "ALTER TABLE users ADD UNIQUE (email)" },
    { table: "users", sql: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE NULLS NOT DISTINCT (email) INCLUDE (id) DEFERRABLE INITIALLY DEFERRED" },
    { table: "users", sql: "ALTER TABLE users ADD COLUMN handle text UNIQUE" },
    { table: "projects", sql: "ALTER TABLE projects ADD UNIQUE (workspace_id, slug)" },
  ];
  for (const c of cases) {
    it(`${c.sql}: the help's SQL builds the same constraint, under the generated name`, async () => {
      const findings = lintWithRule("disallowed-unique-constraint", `${c.sql};`).messages;
      expect(findings).toHaveLength(1);
      await reset();
      await db.exec(c.sql);
      const original = await definitions(c.table);
      await reset();
      for (const sql of helpStatements(findings[0]!.help)) await db.query(sql); // one by one, outside a transaction
      expect(await definitions(c.table)).toEqual(original);
    });
  }

  it("ADD UNIQUE builds the index under ACCESS EXCLUSIVE; USING INDEX only takes it briefly", async () => {
    await reset();
    const tableLocks = async (): Promise<string[]> =>
      (await db.query<{ mode: string }>("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'users'::regclass ORDER BY 1")).rows.map((r) => r.mode);
    await db.query("BEGIN");
    await db.query("ALTER TABLE users ADD UNIQUE (email)");
    expect(await tableLocks()).toEqual(["AccessExclusiveLock", "ShareLock"]);
    await db.query("ROLLBACK");
    await db.query("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)");
    await db.query("BEGIN");
    await db.query("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key");
    expect(await tableLocks()).toEqual(["AccessExclusiveLock"]);
    await db.query("COMMIT");
  });
});
