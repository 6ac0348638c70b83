import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, relativeTo } from "./helpers.js";

describe("django (sqlmigrate output)", () => {
  it("is detected from the operation comments sqlmigrate prints", () => {
    expect(detectFramework(fixture("django", "shop/0001_initial.sql").text)).toBe("django");
    expect(detectFramework(fixture("django", "shop/0002_order_status_index.sql").text)).toBe("django");
    expect(detectFramework("--\n-- Add field shipped_at to order\n--\nALTER TABLE \"shop_order\" ADD COLUMN \"shipped_at\" timestamp with time zone NULL;\n")).toBe("django");
    expect(detectFramework("--\n-- Just a note\n--\nSELECT 1;\n")).toBeUndefined();
  });

  it("carries its own BEGIN / COMMIT: no transaction is added", () => {
    const { path, text } = fixture("django", "shop/0001_initial.sql");
    expect(planMigration(text, path).sections).toMatchObject([{ direction: "up", ranges: [[0, text.length]], wrap: "none" }]);
  });

  it("an atomic migration's CONCURRENTLY is flagged; a non-atomic one's is not", async () => {
    const [atomic] = await lintFiles([fixture("django", "shop/0003_user_email_index.sql").path]);
    expect(at(atomic!, "ban-concurrently-in-transaction")).toEqual(["5:14 ban-concurrently-in-transaction"]);
    const [nonAtomic] = await lintFiles([fixture("django", "shop/0002_order_status_index.sql").path]);
    expect(at(nonAtomic!, "ban-concurrently-in-transaction")).toEqual([]);
    // assumeInTransaction describes plain files; sqlmigrate output already says what runs in a transaction.
    expect(at(lintText(fixture("django", "shop/0002_order_status_index.sql").text, { assumeInTransaction: true }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("orders the files by their migration numbers", async () => {
    const results = await lintFiles([`${FIXTURES}/django`]);
    expect(relativeTo("django", results)).toEqual(["shop/0001_initial.sql", "shop/0002_order_status_index.sql", "shop/0003_user_email_index.sql"]);
  });
});
