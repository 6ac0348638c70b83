/**
 * Rules that use the known schema, across files: lintFiles replays the earlier files of a run, so
 * a column type, a validated check or an index declared two files earlier is known.
 */
import { afterAll, describe, expect, it } from "vitest";
import { lintFiles, lintText } from "../../src/index.js";
import type { LintResult } from "../../src/types.js";
import { makeTree, removeTree } from "../cli/helpers.js";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

function tree(files: Record<string, string>): string {
  const root = makeTree(files);
  roots.push(root);
  return root;
}

/** `file:line ruleId messageId` for every finding of the given rules, in order. */
function findings(results: LintResult[], ...ruleIds: string[]): string[] {
  return results.flatMap((r) =>
    r.messages.filter((m) => ruleIds.includes(m.ruleId)).map((m) => `${r.filePath.split("/").pop()}:${m.line} ${m.ruleId} ${m.messageId}`),
  );
}

describe("changing-column-type knows types declared in earlier files", () => {
  const files = {
    "1_users.sql": "CREATE TABLE users (id integer PRIMARY KEY, email varchar(100), name text);\n",
    "2_orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(20));\n",
    "3_widen.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email TYPE text;\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n",
  };

  it("varchar(n) to text two files later is silent; integer to bigint fires as a known rewrite", async () => {
    const results = await lintFiles([tree(files)]);
    expect(findings(results, "changing-column-type")).toEqual(["3_widen.sql:3 changing-column-type rewrite"]);
    const message = results[2]!.messages.find((m) => m.ruleId === "changing-column-type")!.message;
    expect(message).toContain('column "id" of "users" from integer to bigint');
  });

  it("without the known schema (schema: false, or lintText) both fire: the old types are unknown", async () => {
    const root = tree(files);
    expect(findings(await lintFiles([root], { schema: false }), "changing-column-type")).toEqual([
      "3_widen.sql:2 changing-column-type mayRewrite",
      "3_widen.sql:3 changing-column-type mayRewrite",
    ]);
    const alone = lintText(files["3_widen.sql"], { filePath: "3_widen.sql" });
    expect(alone.messages.filter((m) => m.ruleId === "changing-column-type").map((m) => m.messageId)).toEqual(["mayRewrite", "mayRewrite"]);
  });

  it("a rename or a type change in a middle file is followed", async () => {
    const results = await lintFiles([
      tree({
        "1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, mail varchar(50));\n",
        "2_rename.sql": "ALTER TABLE users RENAME COLUMN mail TO email;\nALTER TABLE users ALTER COLUMN email TYPE varchar(80);\n",
        "3_widen.sql": "ALTER TABLE users ALTER COLUMN email TYPE varchar(60);\nALTER TABLE users ALTER COLUMN email TYPE text;\n",
      }),
    ]);
    // varchar(50) → varchar(80) widens; varchar(80) → varchar(60) narrows; varchar(60) → text is coercible.
    expect(findings(results, "changing-column-type")).toEqual(["3_widen.sql:1 changing-column-type rewrite"]);
  });
});

describe("adding-not-nullable-field knows checks validated in earlier files", () => {
  const files = {
    "1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);\n",
    "2_checks.sql":
      "ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n",
    "3_validate.sql": "ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;\n",
    "4_enforce.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
  };

  it("PG 15: SET NOT NULL is silent where a CHECK validated two files earlier proves it; the NOT VALID one fires", async () => {
    const results = await lintFiles([tree(files)], { pgVersion: 15 });
    expect(findings(results, "adding-not-nullable-field")).toEqual(["4_enforce.sql:3 adding-not-nullable-field setNotNull"]);
  });

  it("PG 11: the validated check does not spare the scan, so both fire", async () => {
    const results = await lintFiles([tree(files)], { pgVersion: 11 });
    expect(findings(results, "adding-not-nullable-field")).toEqual([
      "4_enforce.sql:2 adding-not-nullable-field checkNotUsed",
      "4_enforce.sql:3 adding-not-nullable-field setNotNull",
    ]);
    expect(results[3]!.messages.find((m) => m.messageId === "checkNotUsed")!.message).toContain('"users_name_not_null"');
  });

  it("a file with a syntax error still feeds the statements that parsed", async () => {
    const results = await lintFiles([
      tree({
        "1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n",
        "2_check.sql": "ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL);\nALTER TABLE users ADD COLUM x int;\n",
        "3_enforce.sql": "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n",
      }),
    ]);
    expect(findings(results, "syntax-error", "adding-not-nullable-field")).toEqual(["2_check.sql:2 syntax-error syntaxError"]);
  });
});

describe("down migrations do not feed the known schema", () => {
  it("*.down.sql files are linted but leave the schema as their up migration left it", async () => {
    const results = await lintFiles([
      tree({
        "1_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n",
        "1_users.down.sql": "DROP TABLE users;\n",
        "2_email.up.sql": "ALTER TABLE users ALTER COLUMN email TYPE text;\n",
        "2_email.down.sql": "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n",
      }),
    ]);
    expect(results.map((r) => r.filePath.split("/").pop())).toEqual(["1_users.up.sql", "1_users.down.sql", "2_email.up.sql", "2_email.down.sql"]);
    // The up file's varchar(100) → text is coercible; the down file narrows text back: a rewrite.
    expect(findings(results, "changing-column-type")).toEqual(["2_email.down.sql:1 changing-column-type rewrite"]);
  });

  it("the down section of a goose file does not feed it either", async () => {
    const results = await lintFiles([
      tree({
        "00001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n\n-- +goose Down\nDROP TABLE users;\n",
        "00002_email.sql": "-- +goose Up\nALTER TABLE users ALTER COLUMN email TYPE text;\n\n-- +goose Down\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n",
      }),
    ]);
    // The up section is silent (users and its varchar(100) are known); the down section is linted
    // with the schema its up section left: text → varchar(200) is a rewrite.
    expect(findings(results, "changing-column-type")).toEqual(["00002_email.sql:5 changing-column-type rewrite"]);
  });
});

describe("require-concurrent-index-deletion knows the table of an index created in an earlier file", () => {
  it("names the table in the message", async () => {
    const results = await lintFiles([
      tree({
        "1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
        "2_index.sql": "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
        "3_drop.sql": "DROP INDEX users_email_idx;\nDROP INDEX unknown_idx;\n",
      }),
    ]);
    const messages = results[2]!.messages.filter((m) => m.ruleId === "require-concurrent-index-deletion").map((m) => m.message);
    expect(messages[0]).toContain('Dropping index "users_email_idx" takes an ACCESS EXCLUSIVE lock on "users"');
    expect(messages[1]).toContain('Dropping index "unknown_idx" takes an ACCESS EXCLUSIVE lock on its table');
  });
});

describe("require-index-for-foreign-key knows the indexes of a table created in an earlier file", () => {
  const base = {
    "1_tables.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n",
    "3_fk.sql": "SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;\n",
  };

  it("silent when an earlier file indexed the referencing column", async () => {
    const results = await lintFiles([tree({ ...base, "2_index.sql": "CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n" })]);
    expect(findings(results, "require-index-for-foreign-key")).toEqual([]);
  });

  it("reported when no known index serves it (and the help builds the index concurrently)", async () => {
    const results = await lintFiles([tree({ ...base, "2_index.sql": "CREATE INDEX CONCURRENTLY orders_id_user_id_idx ON orders (id, user_id);\n" })]);
    expect(findings(results, "require-index-for-foreign-key")).toEqual(["3_fk.sql:2 require-index-for-foreign-key missingIndex"]);
    expect(results[2]!.messages.find((m) => m.ruleId === "require-index-for-foreign-key")!.help).toContain(
      "CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);",
    );
  });

  it("reported when the file drops the known index first; silent for a table the run did not create", async () => {
    const dropped = await lintFiles([
      tree({
        ...base,
        "2_index.sql": "CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n",
        "3_fk.sql": `DROP INDEX CONCURRENTLY orders_user_id_idx;\n${base["3_fk.sql"]}`,
      }),
    ]);
    expect(findings(dropped, "require-index-for-foreign-key")).toEqual(["3_fk.sql:3 require-index-for-foreign-key missingIndex"]);
    const legacy = await lintFiles([tree({ "1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n", "2_fk.sql": "ALTER TABLE legacy_orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;\n" })]);
    expect(findings(legacy, "require-index-for-foreign-key")).toEqual([]);
  });
});
