import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeObjectName } from "../../src/analysis/constraints.js";
import { truncateIdentifier } from "../../src/analysis/identifiers.js";
import { FIXTURES, lintWithRule, runRuleTests } from "../harness/rule-tester.js";

const A64 = "a".repeat(64);
const LONG_TABLE = "customer_subscription_billing_cycle_adjustments_pending_review_queue"; // 68 bytes
const E_ACUTE_32 = "é".repeat(32); // 64 bytes, 32 UTF-16 units
const EMOJI_16 = "😀".repeat(16); // 64 bytes, 32 UTF-16 units
const PREFIX = "order_line_item_fulfillment_shipment_tracking_event_notification"; // 64 bytes

runRuleTests("identifier-too-long", {
  valid: [
    { name: "exactly 63 bytes", code: `CREATE TABLE ${"t".repeat(63)} (${"c".repeat(63)} int);` },
    { name: "31 two-byte characters are 62 bytes", code: `CREATE TABLE "${"é".repeat(31)}" (id int);` },
    { name: "a qualified name is two identifiers, each within the limit", code: `CREATE TABLE ${"s".repeat(40)}.${"t".repeat(40)} (id int);` },
    {
      name: "long strings, comments and enum labels are not identifiers",
      code: `-- ${A64}\nCOMMENT ON TABLE t IS '${A64}';\nCREATE TYPE mood AS ENUM ('${"x".repeat(70)}');\nSELECT $$${A64}$$;`,
    },
  ],
  invalid: [
    {
      name: "a long quoted name with spaces after a string that holds a double quote",
      code: `CREATE TABLE t (note text DEFAULT 'say "hi', "the preferred billing contact name of the customer for invoices in europe" int);`,
      errors: [{ messageId: "tooLong", line: 1, column: 46 }],
    },
    {
      name: "a name of 16 emoji (64 bytes, 32 UTF-16 units) is too long",
      code: `CREATE TABLE t (id bigint, "${EMOJI_16}" int);`,
      errors: [{ messageId: "tooLong", line: 1, column: 28 }],
    },
    {
      name: "a long table name: the message gives the byte length and the name PostgreSQL keeps",
      code: `CREATE TABLE ${LONG_TABLE} (id bigint);`,
      errors: [
        {
          messageId: "tooLong",
          line: 1,
          column: 14,
          endLine: 1,
          endColumn: 14 + LONG_TABLE.length,
          includes: [`"${LONG_TABLE}" is 68 bytes long`, `silently uses "${LONG_TABLE.slice(0, 63)}"`],
          helpIncludes: [`  ${LONG_TABLE.slice(0, 63)}`, "DROP ... IF EXISTS of one drops the other"],
        },
      ],
    },
    {
      name: "multi-byte names: 32 characters can be 64 bytes; the cut is at a character boundary; columns count UTF-16 units",
      code: `CREATE TABLE t ("${E_ACUTE_32}" text, "${EMOJI_16}" text);`,
      errors: [
        { messageId: "tooLong", line: 1, column: 17, endColumn: 17 + 34, includes: ["is 64 bytes long", `silently uses "${"é".repeat(31)}"`], helpIncludes: ["accented letters take 2 bytes"] },
        { messageId: "tooLong", line: 1, column: 58, endColumn: 58 + 34, includes: ["is 64 bytes long", `silently uses "${"😀".repeat(15)}"`] },
      ],
    },
    {
      name: "unquoted names fold to lower case; a quoted name keeps its case and its doubled quotes",
      code: `CREATE INDEX ${PREFIX.toUpperCase()} ON t (a);\nCREATE INDEX "Say""${"x".repeat(60)}" ON t (a);`,
      errors: [
        { messageId: "tooLong", line: 1, column: 14, endColumn: 78, includes: [`"${PREFIX}" is 64 bytes`] },
        { messageId: "tooLong", line: 2, column: 14, endColumn: 81, includes: [`"Say"${"x".repeat(60)}" is 64 bytes`, `uses "Say"${"x".repeat(59)}"`] },
      ],
    },
    {
      name: "two long names that truncate alike: the second one's help names the first",
      code: `CREATE TABLE ${PREFIX}_a (id int);\nCREATE TABLE IF NOT EXISTS ${PREFIX}_b (id int);`,
      errors: [
        { messageId: "tooLong", line: 1, column: 14 },
        { messageId: "tooLong", line: 2, column: 28, helpIncludes: [`"${PREFIX}_b" and "${PREFIX}_a" (earlier in this file) are the same name to PostgreSQL.`] },
      ],
    },
    {
      name: "references are reported too (a long name only works through the same truncation), in ALTER TABLE and DROP",
      code: `ALTER TABLE app.${LONG_TABLE} ADD COLUMN note text;\nDROP TABLE IF EXISTS ${LONG_TABLE};`,
      errors: [
        { messageId: "tooLong", line: 1, column: 17, endColumn: 85 },
        { messageId: "tooLong", line: 2, column: 22, endColumn: 90 },
      ],
    },
    {
      name: "a U& identifier is measured after its escapes are decoded",
      code: `SELECT 1 AS U&"\\0061${"b".repeat(63)}";`,
      errors: [{ messageId: "tooLong", line: 1, column: 13, includes: [`"a${"b".repeat(63)}" is 64 bytes`] }],
    },
    {
      name: "the same in a transaction and on PostgreSQL 10",
      code: `BEGIN;\nCREATE SEQUENCE ${LONG_TABLE}_seq;\nCOMMIT;`,
      options: { pgVersion: 10, assumeInTransaction: true },
      errors: [{ messageId: "tooLong", line: 2, column: 17 }],
    },
    {
      name: "realistic: generated ORM names where a unique index and an index collide",
      fixture: "invalid/prisma-field-mapping.sql",
      errors: [
        { messageId: "tooLong", line: 13, column: 21, endColumn: 100, includes: ["is 77 bytes long", '"ConnectorFieldMapping_workspaceId_connectorId_sourceFieldId_tar"'] },
        { messageId: "tooLong", line: 16, column: 14, endColumn: 93, helpIncludes: ["are the same name to PostgreSQL"] },
      ],
    },
  ],
});

describe("identifier-too-long: Postgres agrees (PGlite)", () => {
  let db: PGlite;
  const notices: string[] = [];
  const onNotice = (n: { message?: string }): void => {
    notices.push(n.message ?? "");
  };
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });

  const truncationsOf = async (sql: string): Promise<Map<string, string>> => {
    notices.length = 0;
    await db.exec(sql, { onNotice });
    const found = new Map<string, string>();
    for (const n of notices) {
      const m = /^identifier "(.*)" will be truncated to "(.*)"$/s.exec(n);
      if (m) found.set(m[1]!, m[2]!);
    }
    return found;
  };

  it.each([
    ["ASCII", LONG_TABLE],
    ["two-byte characters", "é".repeat(40)],
    ["three-byte characters", "€".repeat(30)],
    ["four-byte characters", EMOJI_16],
    ["a quoted name with a doubled quote", `Say"${"x".repeat(70)}`],
  ])("truncates %s exactly as the rule says, and the rule reports it", async (_label, name) => {
    const sql = `CREATE TABLE "${name.replace(/"/g, '""')}" (id int);`;
    const truncations = await truncationsOf(`BEGIN; ${sql} ROLLBACK;`);
    expect(truncations.get(name)).toBe(truncateIdentifier(name));
    expect(Buffer.byteLength(truncateIdentifier(name))).toBeLessThanOrEqual(63);
    expect(lintWithRule("identifier-too-long", sql).messages.map((m) => m.message)).toEqual([
      expect.stringContaining(`silently uses "${truncateIdentifier(name)}"`),
    ]);
  });

  it("the U& form and unquoted upper case are measured as Postgres decodes and folds them", async () => {
    const sql = `CREATE TABLE U&"\\0061${"b".repeat(63)}" (id int); CREATE TABLE ${PREFIX.toUpperCase()}X (id int);`;
    const truncations = await truncationsOf(`BEGIN; ${sql} ROLLBACK;`);
    expect(truncations.get(`a${"b".repeat(63)}`)).toBe(`a${"b".repeat(62)}`);
    expect(truncations.get(`${PREFIX}x`)).toBe(PREFIX.slice(0, 63));
    expect(lintWithRule("identifier-too-long", sql).messages).toHaveLength(2);
  });

  it("names Postgres generates are shortened to fit without a notice, and are not reported", async () => {
    const sql = readFileSync(join(FIXTURES, "identifier-too-long", "valid", "generated-names.sql"), "utf8");
    const truncations = await truncationsOf(`BEGIN; ${sql}`);
    const { rows } = await db.query<{ name: string }>(
      "SELECT conname::text AS name FROM pg_constraint WHERE conrelid = 'subscription_billing_cycle_adjustments'::regclass UNION ALL SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'subscription_billing_cycle_adjustments'::regclass",
    );
    await db.exec("ROLLBACK");
    expect(truncations.size).toBe(0);
    const column = "subscription_billing_cycle_adjustment_reason_code";
    expect(rows.map((r) => r.name)).toContain(makeObjectName("subscription_billing_cycle_adjustments", column, "key"));
    expect(rows.map((r) => r.name)).toContain(makeObjectName("subscription_billing_cycle_adjustments", column, "check"));
    for (const r of rows) expect(Buffer.byteLength(r.name)).toBeLessThanOrEqual(63);
    expect(lintWithRule("identifier-too-long", sql).messages).toEqual([]);
  });

  it("the danger: a second long name is the first one (already exists, IF NOT EXISTS skips, DROP IF EXISTS drops it)", async () => {
    await db.exec("BEGIN");
    await db.exec(`CREATE TABLE ${PREFIX}_a (id int)`);
    await expect(db.exec(`CREATE TABLE ${PREFIX}_b (id int)`)).rejects.toThrow(`relation "${PREFIX.slice(0, 63)}" already exists`);
    await db.exec("ROLLBACK; BEGIN");
    await db.exec(`CREATE TABLE ${PREFIX}_a (id int)`);
    notices.length = 0;
    await db.exec(`CREATE TABLE IF NOT EXISTS ${PREFIX}_b (id int, other text)`, { onNotice });
    expect(notices).toContain(`relation "${PREFIX.slice(0, 63)}" already exists, skipping`);
    await db.exec(`DROP TABLE IF EXISTS ${PREFIX}_zzz`);
    const { rows } = await db.query("SELECT 1 FROM pg_class WHERE relname = $1", [PREFIX.slice(0, 63)]);
    expect(rows).toEqual([]);
    await db.exec("ROLLBACK");
  });

  it("an enum label over 63 bytes is an error, not a truncation (so the rule leaves labels alone)", async () => {
    await expect(db.exec(`CREATE TYPE mood AS ENUM ('${"x".repeat(70)}')`)).rejects.toThrow("invalid enum label");
  });
});
