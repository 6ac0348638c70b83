import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, relativeTo } from "./helpers.js";

describe("alembic (upgrade --sql output)", () => {
  it("is detected from `-- Running upgrade` and the alembic_version table", () => {
    expect(detectFramework(fixture("alembic", "0001_upgrade_users.sql").text)).toBe("alembic");
    expect(detectFramework("UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a';\n")).toBe("alembic");
    expect(detectFramework("-- Running the numbers\nSELECT 1;\n")).toBeUndefined();
  });

  it("carries its own BEGIN / COMMIT: no transaction is added", () => {
    const { path, text } = fixture("alembic", "0001_upgrade_users.sql");
    expect(planMigration(text, path).sections).toMatchObject([{ direction: "up", ranges: [[0, text.length]], wrap: "none" }]);
    expect(planMigration("BEGIN;\n\n-- Running downgrade b -> a\n\nDROP TABLE t;\n\nCOMMIT;\n").sections[0]!.direction).toBe("down");
  });

  it("CONCURRENTLY in an autocommit_block (between COMMIT and BEGIN) is fine; inside the transaction it is flagged", async () => {
    const [block] = await lintFiles([fixture("alembic", "0001_upgrade_users.sql").path]);
    expect(at(block!, "ban-concurrently-in-transaction")).toEqual([]);
    const [inside] = await lintFiles([fixture("alembic", "0002_upgrade_users_created_at.sql").path]);
    expect(at(inside!, "ban-concurrently-in-transaction")).toEqual(["5:14 ban-concurrently-in-transaction"]);
    expect(at(lintText(fixture("alembic", "0001_upgrade_users.sql").text, { assumeInTransaction: true }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("orders the files by their numbers", async () => {
    const results = await lintFiles([`${FIXTURES}/alembic`]);
    expect(relativeTo("alembic", results)).toEqual(["0001_upgrade_users.sql", "0002_upgrade_users_created_at.sql"]);
  });
});
