/**
 * Migration chains: which files share a known schema, how many threads a run uses, and that the
 * built CLI gives byte-identical output on one thread and on two.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chainKey, migrationChains } from "../../src/engine/chains.js";
import { threadCount } from "../../src/engine/pool.js";
import { lintFiles } from "../../src/index.js";
import { BIN, ensureBuilt, ROOT } from "../harness/built-cli.js";
import { makeTree, removeTree } from "../cli/helpers.js";

describe("chainKey", () => {
  it("a migration's folder, or the folder above a folder per migration", () => {
    expect(chainKey("/app/db/migrations/001_users.sql")).toBe("/app/db/migrations");
    expect(chainKey("/app/prisma/migrations/20240101120000_init/migration.sql")).toBe("/app/prisma/migrations");
    expect(chainKey("/app/migrations/2024-01-01-000000_create_users/up.sql")).toBe("/app/migrations");
    expect(chainKey("/app/migrations/2024/02/V3__orders.sql")).toBe("/app/migrations");
    expect(chainKey("/app/sqitch/deploy/users.sql")).toBe("/app/sqitch/deploy");
  });
});

describe("migrationChains", () => {
  const files = ["/s/a/1.sql", "/s/b/1.sql", "/s/a/2.sql", "/s/c/20240101_x/migration.sql", "/s/b/2.sql", "/s/c/20240102_y/migration.sql", "/s/a/3.sql"];

  it("groups a run's files by folder, keeping their order", () => {
    expect(migrationChains(files).map((c) => [c.key, c.indices])).toEqual([
      ["/s/a", [0, 2, 6]],
      ["/s/b", [1, 4]],
      ["/s/c", [3, 5]],
    ]);
  });

  it("threads: `jobs` when given, never more than chains; automatic only for big runs", () => {
    expect(threadCount(1, 5000, 40)).toBe(1);
    expect(threadCount(3, 10, 2)).toBe(2);
    expect(threadCount(undefined, 20, 10)).toBe(1);
    expect(threadCount(0, 20, 10)).toBe(1);
    expect(threadCount(undefined, 5000, 1)).toBe(1);
    expect(threadCount(undefined, 5000, 40, 2)).toBe(1);
    expect(threadCount(undefined, 5000, 40, 4)).toBe(3);
    expect(threadCount(undefined, 5000, 40, 16)).toBe(4);
  });
});

describe("the known schema follows a chain, not the whole run", () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({
      "service-a/1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));\n",
      "service-a/2_widen.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE text;\n",
      "service-b/1_widen.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE text;\n",
    });
  });
  afterAll(() => removeTree(root));

  it("a table known in one folder is unknown in another", async () => {
    const results = await lintFiles(["."], { cwd: root });
    const findings = Object.fromEntries(results.map((r) => [r.filePath.slice(root.length + 1), r.messages.map((m) => m.ruleId)]));
    // varchar(20) → text is known to be free of a rewrite in service-a only.
    expect(findings["service-a/2_widen.sql"]).not.toContain("changing-column-type");
    expect(findings["service-b/1_widen.sql"]).toContain("changing-column-type");
  });
});

describe("worker threads (built CLI)", () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it("--jobs 2 gives the same JSON as --jobs 1", () => {
    const lint = (jobs: string): string => {
      try {
        return execFileSync(process.execPath, [BIN, "fixtures", "--format", "json", "--no-config", "--jobs", jobs], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    };
    const one = lint("1");
    expect(JSON.parse(one).length).toBeGreaterThan(100);
    expect(lint("2")).toBe(one);
  }, 120_000);

  it("a usage error in a worker's lane (a binary file) is the same one-line exit 2", () => {
    const files: Record<string, string | Buffer> = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}/1_x.sql`, "SELECT 1;\n"]));
    files["f5/1_x.sql"] = Buffer.from([0x00, 0x01, 0x02, 0x03]);
    const dir = makeTree(files);
    try {
      for (const jobs of ["1", "3"]) {
        let stderr = "";
        let status = 0;
        try {
          execFileSync(process.execPath, [BIN, ".", "--no-config", "--jobs", jobs], { cwd: dir, encoding: "utf8", stdio: "pipe" });
        } catch (error) {
          stderr = (error as { stderr: string }).stderr;
          status = (error as { status: number }).status;
        }
        expect(status, `--jobs ${jobs}`).toBe(2);
        expect(stderr.trimEnd().split("\n"), `--jobs ${jobs}`).toEqual([expect.stringContaining("is a binary file")]);
      }
    } finally {
      removeTree(dir);
    }
  }, 60_000);
});
