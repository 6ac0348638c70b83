import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo } from "./helpers.js";

describe("golang-migrate", () => {
  it("is detected from `<version>_<title>.up.sql` / `.down.sql`", () => {
    expect(detectFramework("SELECT 1;", "/app/migrations/000001_init.up.sql")).toBe("golang-migrate");
    expect(detectFramework("SELECT 1;", "/app/migrations/20240101120000_init.down.sql")).toBe("golang-migrate");
    expect(detectFramework("SELECT 1;", "/app/migrations/000001_init.sql")).toBeUndefined();
    expect(detectFramework("SELECT 1;", "/app/migrations/init.up.sql")).toBeUndefined();
    // pop / popx dialect and autocommit files share the pattern but belong to another tool.
    expect(detectFramework("SELECT 1;", "/app/migrations/20210410175418_identities.postgres.up.sql")).toBeUndefined();
    expect(detectFramework("SELECT 1;", "/app/migrations/20210410175418_index.autocommit.up.sql")).toBeUndefined();
  });

  it("one direction per file, sent as one query (an implicit transaction)", () => {
    const { path, text } = fixture("golang-migrate", "000001_create_users.down.sql");
    expect(planMigration(text, path).sections).toMatchObject([{ direction: "down", ranges: [[0, text.length]], wrap: "implicit" }]);
  });

  it("a file holding CONCURRENTLY alone runs without a transaction", async () => {
    const results = await lintFiles([fixture("golang-migrate", "000002_index_users_email.up.sql").path, fixture("golang-migrate", "000002_index_users_email.down.sql").path]);
    expect(results.flatMap((r) => at(r, "ban-concurrently-in-transaction"))).toEqual([]);
  });

  it("a file holding CONCURRENTLY and another statement is one implicit transaction: flagged", async () => {
    const [result] = await lintFiles([fixture("golang-migrate", "000003_orders_status_index.up.sql").path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual(["4:14 ban-concurrently-in-transaction"]);
    const [message] = only(result!, "ban-concurrently-in-transaction");
    expect(message!.message).toContain("golang-migrate sends the whole file as one query");
    expect(message!.help).toContain("alone into a migration file of its own");
    // Linted as plain psql (statement by statement), the same file is fine.
    expect(at(lintText(fixture("golang-migrate", "000003_orders_status_index.up.sql").text, { framework: "none" }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("statements after a COMMIT in the file start a new implicit transaction", () => {
    const text = "BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY a_idx ON a (b);\n";
    expect(at(lintText(text, { filePath: "/m/000004_a.up.sql" }), "ban-concurrently-in-transaction")).toEqual(["4:14 ban-concurrently-in-transaction"]);
    expect(at(lintText(text, { filePath: "/m/000004_a.up.sql", framework: "none" }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("the same names from sqlx, pop or rivermigrate: assumeInTransaction makes a detected file transactional", () => {
    const text = "CREATE INDEX CONCURRENTLY a_idx ON a (b);\n";
    const path = "/app/migrations/20240101000000_a_idx.up.sql";
    expect(planMigration(text, path, { assumeInTransaction: true }).sections).toMatchObject([{ direction: "up", wrap: "transaction" }]);
    expect(at(lintText(text, { filePath: path, assumeInTransaction: true }), "ban-concurrently-in-transaction")).toEqual(["1:14 ban-concurrently-in-transaction"]);
    // Chosen explicitly, golang-migrate's own behaviour holds.
    expect(at(lintText(text, { filePath: path, assumeInTransaction: true, framework: "golang-migrate" }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("orders up before down for each version, versions numerically", async () => {
    const results = await lintFiles([`${FIXTURES}/golang-migrate`]);
    expect(relativeTo("golang-migrate", results)).toEqual([
      "000001_create_users.up.sql",
      "000001_create_users.down.sql",
      "000002_index_users_email.up.sql",
      "000002_index_users_email.down.sql",
      "000003_orders_status_index.up.sql",
      "000003_orders_status_index.down.sql",
    ]);
  });
});
