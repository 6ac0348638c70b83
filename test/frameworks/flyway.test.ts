import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo } from "./helpers.js";

describe("flyway", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pgsafe-flyway-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("is detected from V<version>__, U<version>__ and R__ file names", () => {
    for (const name of ["V1__init.sql", "V1_1__x.sql", "V2.3.4__x.sql", "U2__undo.sql", "R__views.sql"]) {
      expect(detectFramework("SELECT 1;", `/db/migration/${name}`)).toBe("flyway");
    }
    for (const name of ["V1_init.sql", "v1__init.sql", "1__init.sql", "R_views.sql"]) expect(detectFramework("SELECT 1;", `/db/migration/${name}`)).toBeUndefined();
  });

  it("an undo migration is a down migration", () => {
    const { path, text } = fixture("flyway", "U2__orders_status_index.sql");
    expect(planMigration(text, path).sections).toMatchObject([{ direction: "down", wrap: "none" }]);
  });

  it("runs a migration in a transaction, so CONCURRENTLY mixed with other statements is flagged", async () => {
    const [result] = await lintFiles([fixture("flyway", "V2__orders_status_index.sql").path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual(["3:14 ban-concurrently-in-transaction"]);
    expect(only(result!, "ban-concurrently-in-transaction")[0]!.message).toContain("which Flyway refuses unless `mixed=true`");
  });

  it("runs a migration made only of non-transactional statements without a transaction", async () => {
    const results = await lintFiles([fixture("flyway", "V1_1__index_users_email.sql").path, fixture("flyway", "U2__orders_status_index.sql").path]);
    expect(results.flatMap((r) => at(r, "ban-concurrently-in-transaction"))).toEqual([]);
  });

  it("follows executeInTransaction in the sidecar .conf file", async () => {
    const { path } = fixture("flyway", "V3__orders_user_id_index.sql");
    const [result] = await lintFiles([path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual([]);
    // The same SQL without the .conf file: SET makes it a mixed migration, run in a transaction.
    const copy = join(tmp, "V3__orders_user_id_index.sql");
    writeFileSync(copy, fixture("flyway", "V3__orders_user_id_index.sql").text);
    const [withoutConf] = await lintFiles([copy]);
    expect(at(withoutConf!, "ban-concurrently-in-transaction")).toEqual(["2:14 ban-concurrently-in-transaction"]);
    // executeInTransaction=true forces a transaction even for a statement Flyway would run outside one.
    const forced = join(tmp, "V4__index.sql");
    writeFileSync(forced, "CREATE INDEX CONCURRENTLY a_idx ON a (b);\n");
    writeFileSync(`${forced}.conf`, "executeInTransaction=true\n");
    const [forcedResult] = await lintFiles([forced]);
    expect(at(forcedResult!, "ban-concurrently-in-transaction")).toEqual(["1:14 ban-concurrently-in-transaction"]);
    expect(only(forcedResult!, "ban-concurrently-in-transaction")[0]!.message).toContain("`executeInTransaction=true` in V4__index.sql.conf");
  });

  it("wraps statements its parser does not single out, such as REINDEX ... CONCURRENTLY", () => {
    expect(at(lintText("REINDEX TABLE CONCURRENTLY orders;\n", { filePath: "/db/V5__reindex.sql" }), "ban-concurrently-in-transaction")).toEqual(["1:15 ban-concurrently-in-transaction"]);
  });

  it("ALTER TYPE ... ADD VALUE runs outside a transaction only before PostgreSQL 12", () => {
    const text = "ALTER TYPE order_status ADD VALUE 'refunded';\n";
    expect(planMigration(text, "/db/V6__status.sql", { pgVersion: 11 }).sections[0]!.wrap).toBe("none");
    expect(planMigration(text, "/db/V6__status.sql", { pgVersion: 12 }).sections[0]!.wrap).toBe("transaction");
  });

  it("orders versions numerically, undo right after its version, repeatables last", async () => {
    const results = await lintFiles([`${FIXTURES}/flyway`]);
    expect(relativeTo("flyway", results)).toEqual([
      "V1__create_users.sql",
      "V1_1__index_users_email.sql",
      "V2__orders_status_index.sql",
      "U2__orders_status_index.sql",
      "V3__orders_user_id_index.sql",
      "V10__orders_note.sql",
      "R__open_orders_view.sql",
    ]);
  });
});
