/**
 * The doc contract: every docs/rules/<id>.md starts with the rule's description, has the
 * required sections in order, and its ```sql invalid / ```sql valid examples really are
 * reported / not reported by the rule.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import type { MigrationOptions } from "../../src/analysis/context.js";
import { lintSource } from "../../src/engine/linter.js";

const ROOT = join(import.meta.dirname, "..", "..");

const SECTIONS = [
  "Why is this bad?",
  "Examples",
  "Safe migration, step by step",
  "Options",
  "PostgreSQL versions and transactions",
  "Fix safety",
  "When not to use it",
  "Further reading",
];

interface Example {
  kind: "valid" | "invalid";
  code: string;
  options: Partial<MigrationOptions>;
  line: number;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  const re = /^```sql (valid|invalid)([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const options: Partial<MigrationOptions> = {};
    for (const word of m[2]!.trim().split(/\s+/).filter(Boolean)) {
      const [key, value] = word.split("=");
      if (key === "pgVersion") options.pgVersion = Number(value);
      else if (key === "assumeInTransaction") options.assumeInTransaction = value !== "false";
      else if (key === "lockTimeoutSetByRunner") options.lockTimeoutSetByRunner = value !== "false";
      else throw new Error(`unknown example option ${word}`);
    }
    out.push({ kind: m[1] as "valid" | "invalid", code: m[3]!, options, line: markdown.slice(0, m.index).split("\n").length });
  }
  return out;
}

describe.each(Object.keys(rules))("docs/rules/%s.md", (id) => {
  const rule = rules[id as keyof typeof rules];
  const path = join(ROOT, "docs", "rules", `${id}.md`);
  const markdown = existsSync(path) ? readFileSync(path, "utf8") : "";

  it("exists", () => {
    expect(existsSync(path), `${path} exists`).toBe(true);
  });

  it("starts with the title and the rule's description", () => {
    const lines = markdown.split("\n");
    expect(lines[0]).toBe(`# ${id}`);
    expect(lines.slice(1).find((l) => l.trim() !== "")).toBe(rule.meta.docs.description);
  });

  it("has the required sections, in order", () => {
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
    expect(headings.filter((h) => SECTIONS.includes(h))).toEqual(SECTIONS);
  });

  it("has runnable invalid and valid examples", () => {
    const found = examples(markdown);
    if (id === "unused-ignore" || id === "syntax-error") {
      expect(found.length).toBeGreaterThan(0);
    } else {
      expect(found.some((e) => e.kind === "invalid"), "an ```sql invalid example").toBe(true);
      expect(found.some((e) => e.kind === "valid"), "an ```sql valid example").toBe(true);
    }
    for (const example of found) {
      const severities = id === "unused-ignore" ? { [id]: 2 as const, ...otherRulesForIgnores() } : { [id]: 2 as const };
      const result = lintSource(example.code, { rules, severities, migration: example.options, filePath: `${id}.md` });
      const own = result.messages.filter((m) => m.ruleId === id);
      if (example.kind === "invalid") expect(own.length, `example at line ${example.line} is reported`).toBeGreaterThan(0);
      else expect(own.map((m) => m.message), `example at line ${example.line} is not reported`).toEqual([]);
      if (id !== "syntax-error") expect(result.messages.filter((m) => m.ruleId === "syntax-error")).toEqual([]);
    }
  });
});

/** unused-ignore examples need the rules their comments name. */
function otherRulesForIgnores(): Record<string, 2> {
  const out: Record<string, 2> = {};
  for (const [id, rule] of Object.entries(rules)) if (id !== "unused-ignore" && rule.meta.docs.defaultSeverity !== "off") out[id] = 2;
  return out;
}
