/**
 * Reading a big run's files ahead on a thread of their own (src/engine/read-ahead.ts): the same
 * bytes and errors as reading them here, a bounded window, and the same lint results.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadAhead, type ReadAhead } from "../../src/engine/read-ahead.js";
import { lintFiles } from "../../src/index.js";
import { readFileBytes, type FileBytes } from "../../src/sql-file.js";
import { makeTree, removeTree } from "../cli/helpers.js";

/** Waits (without blocking the reader) until `ahead` holds at least `n` files, or `ms` have passed. */
async function waitFor(ahead: ReadAhead, n: number, ms = 10_000): Promise<number> {
  const until = Date.now() + ms;
  while (ahead.waiting() < n && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  return ahead.waiting();
}

const bytesOf = (read: FileBytes): string => {
  if ("error" in read) throw new Error("expected bytes");
  return Buffer.from(read.bytes).toString("latin1");
};

describe("startReadAhead", () => {
  let dir: string;
  const names: string[] = [];
  beforeAll(() => {
    const files: Record<string, string | Buffer> = {
      "empty.sql": "",
      "small.sql": "SELECT 1;\n",
      "accents.sql": "-- café 🐘\nSELECT 'é';\n",
      "big.sql": `${"INSERT INTO t VALUES (1);\n".repeat(20_000)}`,
      "binary.sql": Buffer.from([0x00, 0xff, 0x10, 0x80]),
    };
    for (let i = 0; i < 40; i++) files[`n${String(i).padStart(2, "0")}.sql`] = `CREATE TABLE t${i} (id int);\n`;
    dir = makeTree(files);
    names.push(...Object.keys(files).map((name) => join(dir, name)));
  });
  afterAll(() => removeTree(dir));

  it("hands over each file's bytes as read here, from the reader once it has read them", async () => {
    const ahead = startReadAhead(names)!;
    expect(ahead).toBeDefined();
    try {
      expect(await waitFor(ahead, names.length)).toBe(names.length);
      let readHere = 0;
      names.forEach((name, position) => {
        const read = ahead.take(position, () => (readHere++, readFileBytes(name)));
        expect(bytesOf(read), name).toBe(readFileSync(name).toString("latin1"));
      });
      expect(readHere).toBe(0);
    } finally {
      ahead.close();
    }
  });

  it("a file that has not arrived is read here, and the rest still come in order", () => {
    const ahead = startReadAhead(names)!;
    try {
      // At once: the reader thread is still starting, so the first files are read here.
      const here: number[] = [];
      names.forEach((name, position) => {
        const read = ahead.take(position, () => (here.push(position), readFileBytes(name)));
        expect(bytesOf(read), name).toBe(readFileSync(name).toString("latin1"));
      });
      expect(here).toContain(0);
    } finally {
      ahead.close();
    }
  });

  it("a missing file or a directory comes back as its error, with the code", async () => {
    const paths = [join(dir, "missing.sql"), dir, join(dir, "small.sql")];
    const ahead = startReadAhead(paths)!;
    try {
      await waitFor(ahead, paths.length);
      const read = paths.map((path, position) => ahead.take(position, () => readFileBytes(path)));
      expect(read[0]).toMatchObject({ error: { code: "ENOENT" } });
      expect(read[1]).toMatchObject({ error: { code: "EISDIR" } });
      expect(bytesOf(read[2]!)).toBe("SELECT 1;\n");
    } finally {
      ahead.close();
    }
  });

  it("stays within its window: at most 64 files, and at most 8 MiB beyond the next file", async () => {
    const many = Array.from({ length: 200 }, (_, i) => names[5 + (i % 40)]!);
    const ahead = startReadAhead(many)!;
    try {
      expect(await waitFor(ahead, 64)).toBe(64);
      // Nothing more comes until files are taken.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ahead.waiting()).toBe(64);
      for (let position = 0; position < 40; position++) ahead.take(position, () => readFileBytes(many[position]!));
      // Half the window free: the reader fills it again.
      expect(await waitFor(ahead, 64)).toBe(64);
    } finally {
      ahead.close();
    }
    const bigDir = makeTree(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`b${i}.sql`, "x".repeat(2 ** 20)])));
    try {
      const big = Array.from({ length: 12 }, (_, i) => join(bigDir, `b${i}.sql`));
      const aheadBig = startReadAhead(big)!;
      try {
        expect(await waitFor(aheadBig, 8)).toBe(8);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(aheadBig.waiting()).toBe(8);
      } finally {
        aheadBig.close();
      }
    } finally {
      removeTree(bigDir);
    }
  });
});

describe("lintFiles on a run big enough to read ahead", () => {
  it("gives each file the result of linting it alone, and a binary file is the same usage error", async () => {
    // One folder per file: each is its own chain, so linting it alone gives the same result.
    const files: Record<string, string> = {};
    for (let i = 0; i < 230; i++) {
      files[`s${String(i).padStart(3, "0")}/1_x.sql`] =
        i % 3 === 0 ? `CREATE INDEX idx_${i} ON t${i} (a);\n` : i % 3 === 1 ? `ALTER TABLE t${i} ADD COLUMN c${i} int NOT NULL;\n` : `-- 🐘 ${i}\nSELECT ${i};\n`;
    }
    const dir = makeTree(files);
    try {
      const all = await lintFiles([dir], { cwd: dir });
      expect(all).toHaveLength(230);
      for (const result of all.filter((_, i) => i % 23 === 0)) {
        const [alone] = await lintFiles([result.filePath], { cwd: dir });
        expect(result).toEqual(alone);
      }
      expect(all.flatMap((r) => r.messages.map((m) => m.ruleId))).toContain("require-concurrent-index-creation");
    } finally {
      removeTree(dir);
    }
    const withBinary: Record<string, string | Buffer> = Object.fromEntries(Array.from({ length: 220 }, (_, i) => [`s${String(i).padStart(3, "0")}/1_x.sql`, "SELECT 1;\n"]));
    withBinary["s150/1_x.sql"] = Buffer.from([0x00, 0x01, 0x02]);
    const binaryDir = makeTree(withBinary);
    try {
      await expect(lintFiles([binaryDir], { cwd: binaryDir })).rejects.toThrow(/"s150\/1_x\.sql" is a binary file/);
    } finally {
      removeTree(binaryDir);
    }
  });
});
