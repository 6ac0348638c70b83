/**
 * Fuzzing: real migrations (../shared/corpus/real-world when it is there, else the fixtures) cut,
 * duplicated and sprinkled with the characters that break lexers (quotes, dollar quotes, comment
 * openers, emoji, backslashes, parentheses), written to a folder and linted in ONE run with every
 * rule on. The run must finish with a result per file, no internal errors, and every position
 * inside its file. The mutations come from a seeded generator: a failure names the seed and the file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sqlFilesBelow } from "../harness/files.js";
import { rules } from "../../rules/index.js";
import { lintFiles } from "../../src/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = join(ROOT, "..", "shared", "corpus", "real-world");
const SEED = Number(process.env.PGSAFE_FUZZ_SEED ?? 20261121);
const MUTANTS = 360;

/** mulberry32: a small, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = ["'", '"', "$$", "$tag$", "/*", "*/", "--", "😀", "é", "\\", "(", ")", ";", "E'\\", 'U&"', "\r\n", "\uFEFF", "\\gexec\n", "BEGIN;", "COMMIT;", "-- pgsafe-ignore\n", "CONCURRENTLY "];

type Mutation = (text: string, random: () => number) => string;
const at = (text: string, random: () => number): number => Math.floor(random() * (text.length + 1));
const MUTATIONS: Record<string, Mutation> = {
  cut: (text, random) => text.slice(0, at(text, random)),
  cutMiddle: (text, random) => {
    const a = at(text, random);
    return text.slice(0, a) + text.slice(Math.min(text.length, a + 1 + Math.floor(random() * 200)));
  },
  duplicate: (text, random) => {
    const a = at(text, random);
    const b = Math.min(text.length, a + Math.floor(random() * 400));
    return text.slice(0, b) + text.slice(a, b) + text.slice(b);
  },
  insert: (text, random) => {
    let out = text;
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const p = at(out, random);
      out = out.slice(0, p) + INSERTS[Math.floor(random() * INSERTS.length)]! + out.slice(p);
    }
    return out;
  },
  // Break a surrogate pair or a CRLF in half.
  splitChar: (text, random) => {
    const p = at(text, random);
    return `${text.slice(0, p)}\ud83d${text.slice(p)}`;
  },
  nest: (text, random) => {
    const p = at(text, random);
    const depth = 1 + Math.floor(random() * 200);
    return `${text.slice(0, p)}${"(".repeat(depth)}${text.slice(p)}`;
  },
};

const scratch = join(tmpdir(), `pgsafe-fuzz-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("fuzz", () => {
  it(`lints ${MUTANTS} mutated migrations in one run without an internal error (seed ${SEED})`, async () => {
    const source = existsSync(CORPUS) ? CORPUS : join(ROOT, "fixtures");
    if (source !== CORPUS) console.warn(`fuzz: ${CORPUS} is not there; mutating the fixtures instead.`);
    const seeds = sqlFilesBelow(source).filter((f) => readFileSync(f).length < 64 * 1024);
    expect(seeds.length).toBeGreaterThan(20);
    const random = prng(SEED);
    const names = Object.keys(MUTATIONS);
    mkdirSync(scratch, { recursive: true });
    const written = new Map<string, string>();
    for (let i = 0; i < MUTANTS; i++) {
      const from = seeds[Math.floor(random() * seeds.length)]!;
      let text = readFileSync(from, "utf8");
      const applied: string[] = [];
      for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
        const name = names[Math.floor(random() * names.length)]!;
        text = MUTATIONS[name]!(text, random);
        applied.push(name);
      }
      const file = join(scratch, `${String(i).padStart(4, "0")}_${applied.join("-")}.sql`);
      writeFileSync(file, text);
      written.set(file, from);
    }

    // Every rule, the opt-in ones too.
    const results = await lintFiles([scratch], { include: Object.keys(rules), cwd: scratch });
    expect(results).toHaveLength(MUTANTS);
    for (const result of results) {
      const origin = `${result.filePath} (from ${written.get(result.filePath)}, seed ${SEED})`;
      const fatal = result.messages.filter((m) => m.fatal);
      expect(fatal.map((m) => m.message), origin).toEqual([]);
      const text = result.source.charCodeAt(0) === 0xfeff ? result.source.slice(1) : result.source;
      const lines = text.split(/\r\n|\r|\n/);
      for (const m of result.messages) {
        const where = `${origin}: ${m.ruleId} at ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`;
        expect(m.line, where).toBeGreaterThanOrEqual(1);
        expect(m.line, where).toBeLessThanOrEqual(lines.length);
        expect(m.column, where).toBeGreaterThanOrEqual(1);
        expect(m.column, where).toBeLessThanOrEqual(lines[m.line - 1]!.length + 1);
        expect(m.endLine, where).toBeGreaterThanOrEqual(m.line);
        expect(m.endLine, where).toBeLessThanOrEqual(lines.length);
        expect(m.endColumn, where).toBeLessThanOrEqual(lines[m.endLine - 1]!.length + 1);
        expect(m.range[0], where).toBeGreaterThanOrEqual(0);
        expect(m.range[1], where).toBeLessThanOrEqual(text.length);
        expect(m.range[0], where).toBeLessThanOrEqual(m.range[1]);
      }
    }
  }, 180_000);
});
