import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo } from "./helpers.js";

describe("prisma", () => {
  it("is detected from migrations/<timestamp>_<name>/migration.sql", () => {
    expect(detectFramework("SELECT 1;", "/app/prisma/migrations/20240105093000_init/migration.sql")).toBe("prisma");
    expect(detectFramework("SELECT 1;", "/app/prisma/migrations/init/migration.sql")).toBeUndefined();
    expect(detectFramework("SELECT 1;", "/app/prisma/migrations/20240105093000_init/up.sql")).toBeUndefined();
  });

  it("one up migration per file, sent as one query (an implicit transaction)", () => {
    const { path, text } = fixture("prisma", "migrations/20240120110000_orders_status/migration.sql");
    expect(planMigration(text, path).sections).toMatchObject([{ direction: "up", ranges: [[0, text.length]], wrap: "implicit" }]);
  });

  it("CONCURRENTLY alone in migration.sql runs without a transaction; with another statement it is flagged", async () => {
    const [alone] = await lintFiles([fixture("prisma", "migrations/20240112141500_users_email_index/migration.sql").path]);
    expect(at(alone!, "ban-concurrently-in-transaction")).toEqual([]);
    const [mixed] = await lintFiles([fixture("prisma", "migrations/20240120110000_orders_status/migration.sql").path]);
    expect(at(mixed!, "ban-concurrently-in-transaction")).toEqual(["5:14 ban-concurrently-in-transaction"]);
    expect(only(mixed!, "ban-concurrently-in-transaction")[0]!.message).toContain("Prisma Migrate sends the whole migration.sql as one query");
    expect(only(mixed!, "ban-concurrently-in-transaction")[0]!.help).toContain("prisma migrate dev --create-only");
  });

  it("`--framework none` reads it statement by statement instead", () => {
    const { text } = fixture("prisma", "migrations/20240120110000_orders_status/migration.sql");
    expect(at(lintText(text, { framework: "none" }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("orders migrations by folder", async () => {
    const results = await lintFiles([`${FIXTURES}/prisma`]);
    expect(relativeTo("prisma", results)).toEqual([
      "migrations/20240105093000_init/migration.sql",
      "migrations/20240112141500_users_email_index/migration.sql",
      "migrations/20240120110000_orders_status/migration.sql",
    ]);
  });
});
