/**
 * Discovery and migration order, on their own.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareMigrationPaths, discoverFiles, sortMigrations } from "../../src/cli/discover.js";
import { PgsafeUsageError } from "../../src/cli/errors.js";
import { makeTree, removeTree, SAFE_SQL } from "./helpers.js";

const sorted = (paths: string[]): string[] => [...paths].sort(compareMigrationPaths);

describe("compareMigrationPaths", () => {
  it("compares numbers of any width as numbers", () => {
    expect(sorted(["10_c.sql", "2_b.sql", "002_a.sql", "1_x.sql"])).toEqual(["1_x.sql", "002_a.sql", "2_b.sql", "10_c.sql"]);
    // 20-digit versions (beyond Number.MAX_SAFE_INTEGER) still compare exactly.
    expect(sorted(["20220210000001000062_nid.sql", "20220210000001000043_nid.sql", "9_first.sql"])).toEqual([
      "9_first.sql",
      "20220210000001000043_nid.sql",
      "20220210000001000062_nid.sql",
    ]);
  });

  it("orders an init file numbered 00 before timestamps", () => {
    expect(sorted(["20221021082433_add_saml.up.sql", "00_init_auth_schema.up.sql"])).toEqual(["00_init_auth_schema.up.sql", "20221021082433_add_saml.up.sql"]);
  });

  it("compares folder by folder (versions, Prisma, Diesel)", () => {
    expect(sorted(["versioned/v1.14/a.sql", "versioned/v1.5/b.sql", "versioned/v1.2/c.sql"])).toEqual(["versioned/v1.2/c.sql", "versioned/v1.5/b.sql", "versioned/v1.14/a.sql"]);
    expect(sorted(["m/2024-01-02-000000_b/up.sql", "m/2024-01-01-000000_a/down.sql", "m/2024-01-01-000000_a/up.sql"])).toEqual([
      "m/2024-01-01-000000_a/up.sql",
      "m/2024-01-01-000000_a/down.sql",
      "m/2024-01-02-000000_b/up.sql",
    ]);
  });

  it("Flyway: V1 < V1.1 < V1_2 < V1.10 < V2, undo after its version, R__ last", () => {
    expect(sorted(["R__b.sql", "R__a.sql", "V2__x.sql", "V1_10__x.sql", "V1_2__x.sql", "V1.1__x.sql", "V1__x.sql", "U1__x.sql"])).toEqual([
      "V1__x.sql",
      "U1__x.sql",
      "V1.1__x.sql",
      "V1_2__x.sql",
      "V1_10__x.sql",
      "V2__x.sql",
      "R__a.sql",
      "R__b.sql",
    ]);
  });

  it("up before down for the same version, dotted names included", () => {
    expect(sorted(["V0006.Consent.down.sql", "V0006.Consent.up.sql", "V0005.Other.up.sql"])).toEqual(["V0005.Other.up.sql", "V0006.Consent.up.sql", "V0006.Consent.down.sql"]);
    expect(sorted(["down.sql", "up.sql"])).toEqual(["up.sql", "down.sql"]);
    // "backup.sql" is not an up migration of "back": plain name order.
    expect(sorted(["backup.sql", "backdown.sql"])).toEqual(["backdown.sql", "backup.sql"]);
  });

  it("is a total order (antisymmetric, and equal only for equal paths)", () => {
    const paths = ["a/1.sql", "a/01.sql", "A/1.sql", "a/1.up.sql", "a/1.down.sql", "R__x.sql", "V1__x.sql", "x.sql"];
    for (const a of paths) {
      for (const b of paths) {
        const ab = Math.sign(compareMigrationPaths(a, b));
        expect(ab, `${a} vs ${b}`).toBe(-Math.sign(compareMigrationPaths(b, a)) || 0);
        if (a !== b) expect(ab, `${a} vs ${b}`).not.toBe(0);
      }
    }
  });

  it("sortMigrations compares paths relative to cwd", () => {
    expect(sortMigrations(["/p/db/10.sql", "/p/db/9.sql"], "/p")).toEqual(["/p/db/9.sql", "/p/db/10.sql"]);
  });
});

describe("discoverFiles", () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({
      "project/README.md": "",
      "shared/migrations/2_b.sql": SAFE_SQL,
      "shared/migrations/10_c.sql": SAFE_SQL,
      "shared/migrations/skip/1_a.sql": SAFE_SQL,
      "shared/migrations/.hidden/1_h.sql": SAFE_SQL,
    });
  });
  afterAll(() => removeTree(root));

  it("finds files in a directory outside cwd, leaving out dot-directories", async () => {
    const files = await discoverFiles(["../shared/migrations"], { cwd: join(root, "project") });
    expect(files.map((f) => f.slice(root.length + 1))).toEqual(["shared/migrations/2_b.sql", "shared/migrations/10_c.sql", "shared/migrations/skip/1_a.sql"]);
  });

  it("applies ignore patterns there too (bare names, **/ patterns, paths relative to cwd)", async () => {
    const cwd = join(root, "project");
    for (const pattern of ["skip", "**/skip/**", "../shared/migrations/skip/*.sql"]) {
      const files = await discoverFiles(["../shared/migrations"], { cwd, ignorePatterns: [pattern] });
      expect(files.map((f) => f.slice(root.length + 1)), pattern).toEqual(["shared/migrations/2_b.sql", "shared/migrations/10_c.sql"]);
    }
  });

  it("lints a dot-directory when it is named", async () => {
    const files = await discoverFiles(["shared/migrations/.hidden"], { cwd: root });
    expect(files).toEqual([join(root, "shared/migrations/.hidden/1_h.sql")]);
  });

  it("an ignored explicit file is left out, and that is not an error", async () => {
    expect(await discoverFiles(["shared/migrations/2_b.sql"], { cwd: root, ignorePatterns: ["2_*.sql"] })).toEqual([]);
  });

  it("an empty path is a usage error", async () => {
    await expect(discoverFiles([""], { cwd: root })).rejects.toThrow(PgsafeUsageError);
  });
});
