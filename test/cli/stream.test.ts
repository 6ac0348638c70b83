/**
 * The lint command writes its report file by file (lintFilesEach + the reporters' streamed form)
 * and keeps no result: its output is, byte for byte, the reporter's output for lintFiles' results,
 * for every format, with --output-file, --quiet and on stdin; results come in migration order when
 * folders interleave and when worker threads finish out of order (built CLI); a pipe whose reader
 * is behind makes the run wait instead of queueing the report.
 */
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { discoverFiles } from "../../src/cli/discover.js";
import { lintFiles, lintFilesEach, rules, type LintFilesOptions } from "../../src/index.js";
import { loadReporter, reporterNames } from "../../src/reporters/index.js";
import type { LintResult } from "../../src/types.js";
import { BIN, ensureBuilt } from "../harness/built-cli.js";
import { makeTree, removeTree, run } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const PATHS = ["fixtures/examples", "fixtures/migrations"];

/** What the reporter makes of all of lintFiles' results at once, as the CLI calls it. */
async function whole(format: string, results: readonly LintResult[], color = false): Promise<string> {
  return (await loadReporter(format))(results, { cwd: ROOT, color, unicode: true, rules });
}

function onlyErrors(result: LintResult): LintResult {
  return { ...result, messages: result.messages.filter((m) => m.severity === 2), warningCount: 0, fixableWarningCount: 0 };
}

describe("the lint command's streamed report", () => {
  let results: LintResult[];
  let withTimelines: LintResult[];
  beforeAll(async () => {
    const options: LintFilesOptions = { cwd: ROOT };
    results = await lintFiles(PATHS, options);
    withTimelines = await lintFiles(PATHS, { ...options, lockTimeline: true });
  }, 60_000);

  for (const format of reporterNames) {
    it(`--format ${format} prints what the reporter prints for all results`, async () => {
      const out = await run([...PATHS, "--no-config", "--format", format], { cwd: ROOT });
      expect(out.stderr).toBe("");
      expect(out.code).toBe(results.some((r) => r.errorCount > 0) ? 1 : 0);
      expect(out.stdout).toBe(await whole(format, format === "text" ? withTimelines : results));
    });
  }

  it("--output-file gets the format, the terminal the text report; colours when forced", async () => {
    const dir = makeTree({});
    try {
      const out = await run([...PATHS, "--no-config", "--format", "sarif", "--output-file", "out/report.sarif"], { cwd: ROOT, env: { FORCE_COLOR: "1" } });
      expect(out.code).toBe(1);
      // Relative to the working directory: written there, and removed below.
      const file = join(ROOT, "out", "report.sarif");
      try {
        expect(readFileSync(file, "utf8")).toBe(await whole("sarif", withTimelines));
      } finally {
        removeTree(join(ROOT, "out"));
      }
      expect(out.stdout).toBe(await whole("text", withTimelines, true));
      const text = await run([...PATHS, "--no-config", "--output-file", join(dir, "report.txt")], { cwd: ROOT });
      expect(text.stdout).toBe("");
      expect(readFileSync(join(dir, "report.txt"), "utf8")).toBe(await whole("text", withTimelines));
      // An empty report still creates the file.
      const clean = await run(["fixtures/examples/0004_validate_orders_user_fk.sql", "--no-config", "--output-file", join(dir, "empty.txt")], { cwd: ROOT });
      expect(clean.code).toBe(0);
      expect(readFileSync(join(dir, "empty.txt"), "utf8")).toBe("");
    } finally {
      removeTree(dir);
    }
  });

  it("--quiet reports only errors, and stdin is one result", async () => {
    const quiet = await run([...PATHS, "--no-config", "--quiet", "--format", "json"], { cwd: ROOT });
    expect(quiet.stdout).toBe(await whole("json", results.map(onlyErrors)));
    const file = "fixtures/examples/0005_index_orders_status.sql";
    const text = readFileSync(join(ROOT, file), "utf8");
    const stdin = await run(["-", "--stdin-filename", file, "--no-config", "--format", "json"], { cwd: ROOT, stdin: text });
    expect(JSON.parse(stdin.stdout)).toEqual(JSON.parse(await whole("json", await lintFiles([file], { cwd: ROOT }))));
  });

  it("waits for a pipe whose reader is behind instead of queueing the report", async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 120; i++) files[`db/${String(i).padStart(4, "0")}_index.sql`] = `CREATE INDEX idx_${i} ON orders (status_${i});\nALTER TABLE users ADD COLUMN c_${i} int NOT NULL;\n`;
    const dir = makeTree(files);
    try {
      const expected = await whole("json", await lintFiles(["db"], { cwd: dir }));
      expect(expected.length).toBeGreaterThan(4 * 65_536);
      // A stream that asks for a wait after every write and drains a little later.
      const stdout = new EventEmitter() as EventEmitter & { write(chunk: string): boolean; isTTY: boolean };
      let text = "";
      let writes = 0;
      let whileWaiting = 0;
      let waiting = false;
      stdout.isTTY = false;
      stdout.write = (chunk: string): boolean => {
        writes++;
        if (waiting) whileWaiting++;
        waiting = true;
        text += chunk;
        setTimeout(() => {
          waiting = false;
          stdout.emit("drain");
        }, 2);
        return false;
      };
      const code = await main(["db", "--no-config", "--format", "json"], { stdout, stderr: { write: () => true }, stdin: Readable.from([]), env: {}, cwd: dir });
      expect(code).toBe(1);
      expect(text).toBe(expected);
      expect(writes).toBeGreaterThan(3);
      // Only the last piece, written when the report ends, may go while the stream is full.
      expect(whileWaiting).toBeLessThanOrEqual(1);
      // Each wait took its listeners off again.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stdout.listenerCount("drain")).toBe(0);
    } finally {
      removeTree(dir);
    }
  });
});

describe("lintFilesEach", () => {
  let dir: string;
  beforeAll(() => {
    // "m/a/..." sorts between "m/1_..." and "m/b_...": the chains "m" and "m/a" interleave.
    dir = makeTree({
      "m/1_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));\n",
      "m/a/1_other.sql": "CREATE INDEX other_idx ON other (x);\n",
      "m/a/2_other.sql": "ALTER TABLE other ADD COLUMN y int NOT NULL;\n",
      "m/b_widen.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE text;\n",
      "m/c_index.sql": "CREATE INDEX users_name_idx ON users (name);\n",
    });
  });
  afterAll(() => removeTree(dir));

  it("hands over the results of lintFiles, in migration order, when chains interleave", async () => {
    const order = await discoverFiles(["m"], { cwd: dir });
    expect(order.map((f) => f.slice(dir.length + 1))).toEqual(["m/1_users.sql", "m/a/1_other.sql", "m/a/2_other.sql", "m/b_widen.sql", "m/c_index.sql"]);
    const each: LintResult[] = [];
    await lintFilesEach(["m"], { cwd: dir }, (result) => {
      each.push(result);
    });
    expect(each.map((r) => r.filePath)).toEqual(order);
    expect(each).toEqual(await lintFiles(["m"], { cwd: dir }));
  });

  it("hands over nothing more, and lints nothing more, while onResult's promise is pending", async () => {
    const seen: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const done = lintFilesEach(["m"], { cwd: dir }, (result) => {
      seen.push(result.filePath);
      return seen.length === 1 ? first : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(1);
    release();
    await done;
    expect(seen).toHaveLength(5);
  });

  it("stops with the error onResult throws or rejects with", async () => {
    let calls = 0;
    await expect(
      lintFilesEach(["m"], { cwd: dir }, () => {
        if (++calls === 2) throw new Error("reader gone");
      }),
    ).rejects.toThrow("reader gone");
    expect(calls).toBe(2);
    await expect(lintFilesEach(["m"], { cwd: dir }, () => Promise.reject(new Error("rejected")))).rejects.toThrow("rejected");
  });
});

describe("worker threads (built CLI)", () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it("chains of different sizes across lanes come back in migration order, as on one thread", () => {
    const files: Record<string, string> = {};
    // Folders of 1 to 12 files, and a nested folder in each that interleaves with it.
    for (let f = 0; f < 12; f++) {
      for (let i = 1; i <= f + 1; i++) files[`s${f}/${i}_step.sql`] = `CREATE INDEX i_${f}_${i} ON t${f} (c${i});\n`;
      files[`s${f}/a/1_x.sql`] = `ALTER TABLE t${f} ADD COLUMN z int NOT NULL;\n`;
      files[`s${f}/b_last.sql`] = `DROP INDEX i_${f}_1;\n`;
    }
    const dir = makeTree(files);
    try {
      const lint = (jobs: string, format: string): string => {
        try {
          return execFileSync(process.execPath, [BIN, ".", "--no-config", "--format", format, "--jobs", jobs], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
        } catch (error) {
          return (error as { stdout: string }).stdout;
        }
      };
      for (const format of ["json", "text"]) {
        const one = lint("1", format);
        expect(one.length).toBeGreaterThan(1000);
        expect(lint("2", format), `${format} --jobs 2`).toBe(one);
        expect(lint("4", format), `${format} --jobs 4`).toBe(one);
      }
    } finally {
      removeTree(dir);
    }
  }, 120_000);
});
