/**
 * Every kind of bad input gets findings or a clear one-line exit-2 message, never a crash or a
 * stack trace; and one bad file never stops the others from being linted.
 */
import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintText } from "../../src/index.js";
import { makeTree, removeTree, run, type RunResult } from "../cli/helpers.js";

const UNSAFE = "CREATE INDEX users_email_idx ON users (email);\n";

/** Exit 2, one line on stderr naming the problem, nothing on stdout, no stack trace. */
function expectUsageError(r: RunResult, ...parts: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^pgsafe: /);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  for (const part of parts) expect(r.stderr).toContain(part);
}

interface JsonResult {
  filePath: string;
  messages: { ruleId: string; line: number; column: number; message: string; fatal?: boolean }[];
}

async function lintJson(args: string[], cwd: string): Promise<{ code: number; results: JsonResult[]; stderr: string }> {
  const r = await run([...args, "--format", "json", "--no-config"], { cwd });
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return { code: r.code, results: JSON.parse(r.stdout) as JsonResult[], stderr: r.stderr };
}

let root: string;
beforeAll(() => {
  const deepArray = `SELECT ${"ARRAY[".repeat(4000)}1${"]".repeat(4000)};\n`;
  const deepParens = `SELECT ${"(".repeat(3000)}1${")".repeat(3000)};\n`;
  const nulLate = Buffer.concat([Buffer.from(`${"SELECT 1;\n".repeat(1000)}SELECT 2;`), Buffer.from([0]), Buffer.from(`\n${UNSAFE}`)]);
  root = makeTree({
    "empty/1_empty.sql": "",
    "empty/2_blank.sql": "\n   \n\t\n",
    "comments/1_line.sql": "-- nothing to run here\n-- at all\n",
    "comments/2_block.sql": "/* a block comment\n   over lines */\n",
    "binary/1_logo.sql": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    "nul/1_late.sql": nulLate,
    "latin1/1_cafe.sql": Buffer.concat([Buffer.from("-- caf"), Buffer.from([0xe9]), Buffer.from(`\n${UNSAFE}`)]),
    "bom-crlf/1_bom.sql": `\uFEFF-- héllo 😀\r\n${UNSAFE.replace("\n", "\r\n")}`,
    "unterminated/1_string.sql": `${UNSAFE}SELECT 'never closed;\n`,
    "unterminated/2_dollar.sql": `${UNSAFE}DO $$ BEGIN PERFORM 1;\n`,
    "unterminated/3_comment.sql": `${UNSAFE}/* never closed\nSELECT 1;\n`,
    "unterminated/4_identifier.sql": `${UNSAFE}SELECT "never closed;\n`,
    "deep/1_array.sql": deepArray + UNSAFE,
    "deep/2_parens.sql": deepParens + UNSAFE,
    "deep/3_next.sql": UNSAFE,
    "psql/1_meta.sql": `\\set ON_ERROR_STOP on\n\\connect app\n${UNSAFE}\\gset\n`,
    "copy/1_data.sql": `COPY users (id, email) FROM stdin;\n1\tx@example.com\n2\t'unbalanced; "quote\n\\.\n${UNSAFE}`,
    "nosql/readme.txt": "not sql\n",
    "unreadable/1_secret.sql": UNSAFE,
  });
});
afterAll(() => removeTree(root));

describe("bad input: findings, not crashes", () => {
  it("an empty or blank file has nothing to report", async () => {
    const { code, results } = await lintJson(["empty"], root);
    expect(code).toBe(0);
    expect(results.map((r) => r.messages)).toEqual([[], []]);
  });

  it("a comment-only file has nothing to report", async () => {
    const { code, results } = await lintJson(["comments"], root);
    expect(code).toBe(0);
    expect(results.flatMap((r) => r.messages)).toEqual([]);
  });

  it("a byte-order mark and CRLF line ends keep positions exact (UTF-16 columns after emoji)", async () => {
    const { results } = await lintJson(["bom-crlf"], root);
    const finding = results[0]!.messages.find((m) => m.ruleId === "require-concurrent-index-creation");
    expect(finding).toMatchObject({ line: 2, column: 1 });
  });

  it.each(["1_string", "2_dollar", "3_comment", "4_identifier"])("unterminated %s: a syntax error, and the statement before it is still linted", async (name) => {
    const { code, results } = await lintJson([`unterminated/${name}.sql`], root);
    expect(code).toBe(1);
    const ids = results[0]!.messages.map((m) => m.ruleId);
    expect(ids).toContain("syntax-error");
    expect(ids).toContain("require-concurrent-index-creation");
  });

  it("very deep nesting: the file gets a finding, and the next file is still linted", async () => {
    const { code, results } = await lintJson(["deep"], root);
    expect(code).toBe(1);
    expect(results).toHaveLength(3);
    for (const result of results) expect(result.messages.length, result.filePath).toBeGreaterThan(0);
    // The last file is plain and is linted as usual.
    expect(results[2]!.messages.map((m) => m.ruleId)).toContain("require-concurrent-index-creation");
    // A file that cannot be analysed says so in one finding, not with a crash.
    for (const m of results.flatMap((r) => r.messages).filter((m) => m.fatal)) {
      expect(m.message).toMatch(/could not analyse this file/);
    }
  });

  it("psql meta-commands are skipped, the SQL between them linted", async () => {
    const { results } = await lintJson(["psql"], root);
    expect(results[0]!.messages.map((m) => [m.ruleId, m.line])).toContainEqual(["require-concurrent-index-creation", 3]);
    expect(results[0]!.messages.map((m) => m.ruleId)).not.toContain("syntax-error");
  });

  it("the data rows of COPY ... FROM STDIN are not SQL", async () => {
    const { results } = await lintJson(["copy"], root);
    const ids = results[0]!.messages.map((m) => [m.ruleId, m.line]);
    expect(ids).not.toContainEqual(expect.arrayContaining(["syntax-error"]));
    expect(ids).toContainEqual(["require-concurrent-index-creation", 5]);
  });

  it("a file that is not UTF-8: a syntax error at the bad byte, and the rest is still linted", async () => {
    const { code, results } = await lintJson(["latin1"], root);
    expect(code).toBe(1);
    const messages = results[0]!.messages;
    expect(messages.find((m) => m.ruleId === "syntax-error")).toMatchObject({ line: 1, column: 7, message: expect.stringContaining("not valid UTF-8 (byte 0xE9 on line 1)") });
    expect(messages.map((m) => m.ruleId)).toContain("require-concurrent-index-creation");
  });

  it("a 10 MB file is linted (one finding per unsafe statement, positions at the end of the file exact)", () => {
    const row = "INSERT INTO audit_log (id, payload) VALUES (1, 'a row of seed data that takes some room on the line');\n";
    const rows = Math.ceil((10 * 2 ** 20) / row.length);
    const text = `${row.repeat(rows)}${UNSAFE}`;
    expect(text.length).toBeGreaterThan(10 * 2 ** 20);
    const result = lintText(text, { exclude: ["require-lock-timeout"] });
    expect(result.messages.filter((m) => m.fatal)).toEqual([]);
    expect(result.messages.find((m) => m.ruleId === "require-concurrent-index-creation")).toMatchObject({ line: rows + 1, column: 1 });
  }, 120_000);
});

describe("bad input: one-line exit-2 messages", () => {
  it("a binary file", async () => {
    expectUsageError(await run(["binary/1_logo.sql"], { cwd: root }), "binary file");
  });

  it("a NUL byte after the start of the file, naming its line", async () => {
    expectUsageError(await run(["nul/1_late.sql"], { cwd: root }), "NUL byte on line 1001");
  });

  it("a missing path", async () => {
    expectUsageError(await run(["no/such/dir"], { cwd: root }), "no/such/dir");
  });

  it("a directory without SQL files", async () => {
    expectUsageError(await run(["nosql"], { cwd: root }), "nosql");
  });

  it("an unreadable file (no permission; a symbolic-link loop for root, who may read anything)", async () => {
    const file = join(root, "unreadable", "1_secret.sql");
    if (process.getuid?.() === 0) {
      symlinkSync("2_loop.sql", join(root, "unreadable", "2_loop.sql"));
      expectUsageError(await run(["unreadable/2_loop.sql"], { cwd: root }), "2_loop.sql");
      return;
    }
    chmodSync(file, 0o000);
    try {
      expectUsageError(await run(["unreadable"], { cwd: root }), "1_secret.sql");
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it("an invalid config", async () => {
    const dir = makeTree({ "pgsafe.config.json": '{ "pgVersion": "fifteen" }', "1_x.sql": UNSAFE });
    try {
      expectUsageError(await run(["."], { cwd: dir }), "pgVersion");
    } finally {
      removeTree(dir);
    }
  });

  it("a config that is not JSON", async () => {
    const dir = makeTree({ "pgsafe.config.json": "{ pgVersion: 15, }", "1_x.sql": UNSAFE });
    try {
      expectUsageError(await run(["."], { cwd: dir }), "pgsafe.config.json");
    } finally {
      removeTree(dir);
    }
  });

  it("an unknown flag, an unknown format, a bad value", async () => {
    expectUsageError(await run(["--formt", "json"], { cwd: root }), "--formt", "--format");
    expectUsageError(await run(["comments", "--format", "yaml"], { cwd: root }), "yaml");
    expectUsageError(await run(["comments", "--pg-version", "9"], { cwd: root }), "9");
    expectUsageError(await run(["comments", "--jobs", "many"], { cwd: root }), "--jobs");
  });

  it("an unwritable --output-file", async () => {
    writeFileSync(join(root, "taken"), "a file, not a folder");
    expectUsageError(await run(["comments", "--output-file", "taken/report.json", "--format", "json"], { cwd: root }), "taken/report.json");
  });
});

describe("findEncodingIssue", () => {
  it("finds the first byte that is not UTF-8, as an index into the decoded text", async () => {
    const { findEncodingIssue } = await import("../../src/sql-file.js");
    const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
    expect(findEncodingIssue(b("héllo 😀 ok"))).toBeUndefined();
    expect(findEncodingIssue(b("😀a", [0xe9], "b"))).toEqual({ index: 3, byte: 0xe9 });
    expect(findEncodingIssue(b("a", [0xc0, 0xaf]))).toEqual({ index: 1, byte: 0xc0 }); // overlong "/"
    expect(findEncodingIssue(b("a", [0xed, 0xa0, 0x80]))).toEqual({ index: 1, byte: 0xed }); // a surrogate
    expect(findEncodingIssue(b("ab", [0xe2, 0x82]))).toEqual({ index: 2, byte: 0xe2 }); // cut short
    expect(findEncodingIssue(b([0xff, 0xfe], "a"))).toBeUndefined(); // UTF-16 with a byte-order mark
  });
});
