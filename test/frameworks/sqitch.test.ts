import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFramework, orderSqitchChanges, parseSqitchPlan, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, relativeTo } from "./helpers.js";

describe("sqitch", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pgsafe-sqitch-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("is detected from deploy/, revert/ and verify/ next to a sqitch.plan, or from the template's first line", () => {
    const { path, text } = fixture("sqitch", "deploy/users.sql");
    expect(detectFramework(text, path)).toBe("sqitch");
    expect(detectFramework("SELECT 1;\n", join(FIXTURES, "sqitch", "verify", "anything.sql"))).toBe("sqitch");
    mkdirSync(join(tmp, "noplan", "deploy"), { recursive: true });
    expect(detectFramework("-- Deploy app:users to pg\nBEGIN;\nCOMMIT;\n", join(tmp, "noplan", "deploy", "users.sql"))).toBe("sqitch");
    expect(detectFramework("CREATE TABLE t (id bigint);\n", join(tmp, "noplan", "deploy", "users.sql"))).toBeUndefined();
    expect(detectFramework("-- Deploy app:users to pg\n", join(tmp, "noplan", "users.sql"))).toBeUndefined();
    // Paths are resolved first: `..` leaves the directory, a relative path is read from the working directory.
    expect(detectFramework("-- Deploy app:users to pg\n", `${tmp}/noplan/deploy/../users.sql`)).toBeUndefined();
    expect(detectFramework("-- Deploy app:users to pg\n", `${tmp}/noplan/x/../deploy/users.sql`)).toBe("sqitch");
    expect(detectFramework("-- Deploy app:users to pg\n", "deploy/users.sql")).toBe("sqitch");
  });

  it("maps deploy, revert and verify to up, down and verify; sqitch adds no transaction", () => {
    for (const [dir, direction] of [["deploy", "up"], ["revert", "down"], ["verify", "verify"]] as const) {
      const { path, text } = fixture("sqitch", `${dir}/orders.sql`);
      expect(planMigration(text, path).sections).toMatchObject([{ direction, ranges: [[0, text.length]], wrap: "none" }]);
    }
  });

  it("CONCURRENTLY inside the script's own BEGIN ... COMMIT is flagged, outside it is not", async () => {
    const [inside] = await lintFiles([fixture("sqitch", "deploy/orders.sql").path]);
    expect(at(inside!, "ban-concurrently-in-transaction")).toEqual(["14:14 ban-concurrently-in-transaction"]);
    expect(inside!.messages.find((m) => m.ruleId === "ban-concurrently-in-transaction")!.message).toContain("BEGIN on line 4");
    const [outside] = await lintFiles([fixture("sqitch", "deploy/users.sql").path]);
    expect(at(outside!, "ban-concurrently-in-transaction")).toEqual([]);
    // --assume-in-transaction describes plain files: sqitch scripts keep sqitch's semantics.
    const { path, text } = fixture("sqitch", "deploy/users.sql");
    expect(at(lintText(text, { filePath: path, assumeInTransaction: true }), "ban-concurrently-in-transaction")).toEqual([]);
    expect(at(lintText(text, { filePath: path, assumeInTransaction: true, framework: "none" }), "ban-concurrently-in-transaction")).toEqual(["6:14 ban-concurrently-in-transaction"]);
  });

  it("reads the plan: changes in order, earlier versions of a reworked change as <change>@<tag>", () => {
    const plan = ["%syntax-version=1.0.0", "%project=x", "", "a 2024-01-01T00:00:00Z A <a@x> # a", "b [a] 2024-01-02T00:00:00Z A <a@x> # b", "@v1 2024-01-03T00:00:00Z A <a@x> # tag", "c 2024-01-04T00:00:00Z A <a@x>", "@v2 2024-01-05T00:00:00Z A <a@x>", "a [a@v1] 2024-01-06T00:00:00Z A <a@x> # rework", "sub/d 2024-01-07T00:00:00Z A <a@x>", ""].join("\n");
    expect(parseSqitchPlan(plan)).toEqual(["a@v1", "b", "c", "a", "sub/d"]);
  });

  it("orders deploy and verify scripts as the plan does, revert scripts in reverse", async () => {
    const results = await lintFiles([`${FIXTURES}/sqitch`]);
    expect(relativeTo("sqitch", results)).toEqual([
      "deploy/appschema.sql",
      "deploy/users@v1.0.sql",
      "deploy/orders.sql",
      "deploy/users.sql",
      "revert/users.sql",
      "revert/orders.sql",
      "revert/users@v1.0.sql",
      "revert/appschema.sql",
      "verify/appschema.sql",
      "verify/users@v1.0.sql",
      "verify/orders.sql",
      "verify/users.sql",
    ]);
  });

  it("leaves projects without a plan, and other files, where they were", () => {
    const files = [join(tmp, "noplan", "deploy", "b.sql"), join(tmp, "noplan", "deploy", "a.sql"), "/elsewhere/2_x.sql", "/elsewhere/1_x.sql"];
    expect(orderSqitchChanges(files)).toEqual(files);
    const project = join(tmp, "proj");
    mkdirSync(join(project, "deploy"), { recursive: true });
    writeFileSync(join(project, "sqitch.plan"), "%project=p\nzeta 2024-01-01T00:00:00Z A <a@x>\nalpha 2024-01-02T00:00:00Z A <a@x>\n");
    const listed = ["/other/1.sql", join(project, "deploy", "alpha.sql"), join(project, "deploy", "extra.sql"), join(project, "deploy", "zeta.sql"), "/other/2.sql"];
    expect(orderSqitchChanges(listed)).toEqual(["/other/1.sql", join(project, "deploy", "zeta.sql"), join(project, "deploy", "alpha.sql"), join(project, "deploy", "extra.sql"), "/other/2.sql"]);
  });
});
