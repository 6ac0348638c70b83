import { describe, expect, it } from "vitest";
import { whereBoundsBatch } from "../../src/analysis/batching.js";
import { parseSql } from "../../src/parser/parse.js";
import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("unbatched-update", {
  valid: [
    "UPDATE users SET status = 'active' WHERE id BETWEEN 1 AND 10000;",
    "UPDATE users SET status = 'active' WHERE id >= 1 AND id < 10001 AND status IS NULL;",
    "UPDATE users SET status = 'active' WHERE 10001 > id AND id >= 1;",
    "UPDATE users SET status = 'active' WHERE users.id > 0 AND users.id <= 10000;",
    "UPDATE users SET plan = 'pro' WHERE status = 'trial';",
    "UPDATE users SET email = lower(email) WHERE lower(email) = 'ada@example.com';",
    "DELETE FROM sessions WHERE id IN (1, 2, 3);",
    "DELETE FROM sessions WHERE id = ANY(ARRAY[1, 2, 3]);",
    "DELETE FROM sessions WHERE id = ANY('{1,2,3}'::bigint[]);",
    "DELETE FROM sessions WHERE id = 1 OR id = 2;",
    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);",
    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() FETCH FIRST 1000 ROWS ONLY);",
    "UPDATE events SET kind = 'x' WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE kind IS NULL LIMIT 1000));",
    "UPDATE users SET status = 'active' WHERE id = (SELECT max(id) FROM users);",
    "UPDATE users SET status = 'active' WHERE id = $1;",
    "DECLARE c CURSOR FOR SELECT * FROM users FOR UPDATE;\nUPDATE users SET status = 'active' WHERE CURRENT OF c;",
    { name: "table created earlier in the same file", code: "CREATE TABLE plans (id bigint, name text);\nUPDATE plans SET name = 'free';\nDELETE FROM plans;" },
    { name: "table created earlier in the transaction the tool wraps the file in", code: "CREATE TABLE plans (id bigint);\nDELETE FROM plans;", options: { assumeInTransaction: true } },
    { name: "quoted name created earlier", code: 'CREATE TABLE "Plans" (id bigint);\nDELETE FROM "Plans";' },
  ],
  invalid: [
    {
      name: "UPDATE without WHERE",
      code: "UPDATE users SET status = 'active';",
      errors: [
        {
          messageId: "noWhere",
          line: 1,
          column: 1,
          endColumn: 13,
          includes: ['UPDATE on "users"', "every row"],
          helpIncludes: [
            "UPDATE users SET status = 'active'\n    WHERE users.id >= batch_start AND users.id < batch_start + 10000;",
            "SELECT min(id), max(id) INTO batch_start, batch_last FROM users;",
            "COMMIT;",
            "pg_sleep",
            "outside the migration",
          ],
        },
      ],
    },
    {
      name: "DELETE without WHERE on a schema-qualified table",
      code: "DELETE FROM app.sessions;",
      errors: [
        {
          messageId: "noWhere",
          line: 1,
          column: 1,
          endColumn: 25,
          includes: ['DELETE on "app.sessions"'],
          helpIncludes: ["DELETE FROM app.sessions\n    WHERE sessions.id IN (SELECT sessions.id FROM app.sessions LIMIT 10000);", "EXIT WHEN NOT FOUND;"],
        },
      ],
    },
    {
      name: "a WHERE with only IS NULL keeps the condition in each batch",
      code: "UPDATE users AS u SET status = 'active' WHERE u.status IS NULL RETURNING u.id;",
      errors: [{ messageId: "unboundedWhere", line: 1, column: 1, endColumn: 13, helpIncludes: ["WHERE u.id >= batch_start AND u.id < batch_start + 10000 AND (u.status IS NULL);"] }],
    },
    {
      name: "<>, LIKE, NOT, NOT IN, one-sided ranges and EXISTS do not bound the batch",
      code: [
        "UPDATE users SET a = 1 WHERE status <> 'active';",
        "UPDATE users SET a = 1 WHERE email LIKE '%@example.com';",
        "UPDATE users SET a = 1 WHERE NOT (status = 'active');",
        "UPDATE users SET a = 1 WHERE id NOT IN (1, 2);",
        "UPDATE users SET a = 1 WHERE created_at < '2020-01-01';",
        "UPDATE users SET a = 1 WHERE id >= 1 AND account_id < 100;",
        "UPDATE users SET a = 1 WHERE EXISTS (SELECT 1 FROM bans WHERE bans.user_id = users.id);",
        "UPDATE users SET a = 1 WHERE id % 10 = 0;",
        "UPDATE users SET a = 1 WHERE true;",
      ].join("\n"),
      errors: Array.from({ length: 9 }, (_, i) => ({ messageId: "unboundedWhere", line: i + 1, column: 1 })),
    },
    {
      name: "an OR with one unbounded branch, and IN (SELECT ...) without LIMIT",
      code: "DELETE FROM sessions WHERE id = 1 OR expires_at IS NULL;\nDELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE banned);",
      errors: [
        { messageId: "unboundedWhere", line: 1, column: 1, endColumn: 21 },
        { messageId: "unboundedWhere", line: 2, column: 1, endColumn: 21 },
      ],
    },
    {
      name: "a join condition bounds nothing; DELETE ... USING gets key-range batches",
      code: "UPDATE orders o SET region = a.region FROM accounts a WHERE o.account_id = a.id;\nDELETE FROM orders USING accounts WHERE orders.account_id = accounts.id AND accounts.closed;",
      errors: [
        { messageId: "unboundedWhere", line: 1, column: 1, endColumn: 14, helpIncludes: ["UPDATE orders o SET region = a.region FROM accounts a\n    WHERE o.id >= batch_start"] },
        { messageId: "unboundedWhere", line: 2, column: 1, helpIncludes: ["DELETE FROM orders USING accounts\n    WHERE orders.id >= batch_start", "AND (orders.account_id = accounts.id AND accounts.closed);"] },
      ],
    },
    {
      name: "a DELETE inside a WITH is reported at its own keyword",
      code: "WITH moved AS (DELETE FROM events RETURNING *)\nINSERT INTO events_archive SELECT * FROM moved;",
      errors: [{ messageId: "noWhere", line: 1, column: 16, endColumn: 34, helpIncludes: ["DELETE FROM events\n    WHERE events.id IN (SELECT events.id FROM events LIMIT 10000);"] }],
    },
    {
      name: "a statement over several lines",
      code: "UPDATE\n  users\nSET status = 'active';",
      errors: [{ messageId: "noWhere", line: 1, column: 1, endLine: 2, endColumn: 8 }],
    },
    {
      name: "unquoted name folds to lower case, quoted one does not",
      code: 'CREATE TABLE "Users" (id bigint);\nUPDATE Users SET id = 1;',
      errors: [{ messageId: "noWhere", line: 2, column: 1, includes: ['"users"'] }],
    },
    {
      name: "a different schema is a different table, with and without BEGIN",
      code: "BEGIN;\nCREATE TABLE app.users (id bigint);\nUPDATE users SET id = 1;\nCOMMIT;\nCREATE TABLE users (id bigint);\nUPDATE public.users SET id = 1;\nUPDATE app.users SET id = 1;",
      errors: [{ messageId: "noWhere", line: 3, column: 1 }],
    },
    {
      name: "realistic backfill in a schema migration",
      fixture: "invalid/backfill-in-migration.sql",
      errors: [
        { messageId: "unboundedWhere", line: 4, column: 1, endColumn: 13, helpIncludes: ["AND (status IS NULL)"] },
        { messageId: "noWhere", line: 6, column: 1, endColumn: 26, helpIncludes: ["DELETE FROM user_sessions\n    WHERE user_sessions.id IN"] },
      ],
    },
  ],
});

describe("whereBoundsBatch", () => {
  const where = (condition: string): unknown => {
    const parsed = parseSql(`DELETE FROM t WHERE ${condition}`);
    expect(parsed.errors).toEqual([]);
    return parsed.statements[0]!.node.whereClause;
  };
  it.each([
    ["id BETWEEN 1 AND 10", "key-range"],
    ["id >= 1 AND id < 10", "key-range"],
    ["status = 'x'", "equality"],
    ["id IN (1, 2)", "in-list"],
    ["id = ANY(ARRAY[1, 2])", "in-list"],
    ["id IN (SELECT id FROM t LIMIT 5)", "limit-subquery"],
  ])("%s is bounded (%s)", (condition, by) => {
    expect(whereBoundsBatch(where(condition))).toEqual({ bounded: true, by });
  });
  it.each(["id IN (SELECT id FROM t LIMIT ALL)", "a IS NULL AND b IS NOT NULL", "t.a = t.b", "id > 5 OR id < 2", "id BETWEEN a AND b"])("%s is not bounded", (condition) => {
    expect(whereBoundsBatch(where(condition))).toEqual({ bounded: false, reason: "unbounded-where" });
  });
  it("no WHERE", () => {
    expect(whereBoundsBatch(undefined)).toEqual({ bounded: false, reason: "no-where" });
  });
});
