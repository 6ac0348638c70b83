import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("adding-field-with-default", {
  valid: [
    "ALTER TABLE users ADD COLUMN active boolean DEFAULT true;",
    "ALTER TABLE users ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];",
    "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP;",
    "ALTER TABLE users ADD COLUMN updated_at timestamptz DEFAULT now();",
    "ALTER TABLE users ADD COLUMN settings jsonb DEFAULT '{}'::jsonb, ADD COLUMN kind varchar(10) DEFAULT 'user'::varchar;",
    "ALTER TABLE users ADD COLUMN xid bigint DEFAULT txid_current();",
    "ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();",
    { name: "PG 10: a NULL default does not rewrite", code: "ALTER TABLE users ADD COLUMN note text DEFAULT NULL;", options: { pgVersion: 10 } },
    { name: "table created earlier in the same file", code: "CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();" },
    {
      name: "table created earlier in the same transaction",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint);\nALTER TABLE app.users ADD COLUMN r float8 DEFAULT random();\nCOMMIT;",
      options: { pgVersion: 10 },
    },
    { name: "quoted table created earlier", code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE "Users" ADD COLUMN token uuid DEFAULT gen_random_uuid();' },
  ],
  invalid: [
    {
      name: "volatile default",
      code: "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
      errors: [
        {
          messageId: "volatileDefault",
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 66,
          includes: ['column "token" to "users"', "gen_random_uuid()", "rewrites", "ACCESS EXCLUSIVE", "reads and writes"],
          helpIncludes: [
            "ALTER TABLE users ADD COLUMN token uuid;",
            "ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();",
            "UPDATE users SET token = gen_random_uuid() WHERE token IS NULL",
          ],
        },
      ],
    },
    {
      name: "realistic: uuid and random token columns",
      fixture: "invalid/uuid-and-token.sql",
      errors: [
        { messageId: "volatileDefault", line: 5, column: 22, endColumn: 82, helpIncludes: ["NOT NULL"] },
        { messageId: "volatileDefault", line: 8, column: 3, endColumn: 76, includes: ["encode(gen_random_bytes(32), 'hex')"] },
      ],
    },
    {
      name: "clock_timestamp, nextval and a cast of random are volatile; the default ends before the next constraint",
      code: "ALTER TABLE events ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp() NOT NULL,\n  ADD COLUMN n bigint DEFAULT nextval('events_n_seq'),\n  ADD COLUMN bucket int DEFAULT (random() * 10)::int CHECK (bucket >= 0);",
      errors: [
        { messageId: "volatileDefault", line: 1, column: 20, includes: ["clock_timestamp() rewrites"] },
        { messageId: "volatileDefault", line: 2, column: 3, includes: ["nextval('events_n_seq')"] },
        { messageId: "volatileDefault", line: 3, column: 3, includes: ["(random() * 10)::int rewrites"] },
      ],
    },
    {
      name: "schema-qualified volatile functions",
      code: "ALTER TABLE users ADD COLUMN a uuid DEFAULT extensions.uuid_generate_v4(), ADD COLUMN b uuid DEFAULT public.gen_random_uuid();",
      errors: [
        { messageId: "volatileDefault", line: 1, column: 19 },
        { messageId: "volatileDefault", line: 1, column: 76 },
      ],
    },
    {
      name: "PG 10: any non-NULL default rewrites",
      code: "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;",
      options: { pgVersion: 10 },
      errors: [{ messageId: "anyDefaultRewrites", line: 1, column: 19, includes: ["DEFAULT true", "PostgreSQL 10", "PostgreSQL 11+"], helpIncludes: ["SET DEFAULT true;"] }],
    },
    {
      name: "PG 11 keeps a constant default in the catalog, but not a volatile one",
      code: "ALTER TABLE users ADD COLUMN active boolean DEFAULT true, ADD COLUMN r float8 DEFAULT random();",
      options: { pgVersion: 11, assumeInTransaction: true },
      errors: [{ messageId: "volatileDefault", line: 1, column: 59 }],
    },
    {
      name: "the new table lives in another schema",
      code: "CREATE TABLE app.users (id bigint);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
      errors: [{ messageId: "volatileDefault", line: 2, column: 19 }],
    },
    {
      name: 'the new table is "Users", not users',
      code: 'CREATE TABLE "Users" (id bigint);\nALTER TABLE Users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      errors: [{ messageId: "volatileDefault", line: 2, column: 19, includes: ['"users"'] }],
    },
  ],
});
