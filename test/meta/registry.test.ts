import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { ruleDocsUrl } from "../../src/meta.js";

const ROOT = join(import.meta.dirname, "..", "..");
const ids = Object.keys(rules);
const listIds = (dir: string, ext: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

describe("rule registry", () => {
  it("lists the rules alphabetically", () => {
    expect(ids).toEqual([...ids].sort());
  });

  it("rule files == registry == docs == fixture folders == test files", () => {
    const files = listIds("rules", ".ts").filter((f) => f !== "index");
    expect(files).toEqual([...ids].sort());
    expect(listIds("docs/rules", ".md")).toEqual([...ids].sort());
    expect(readdirSync(join(ROOT, "fixtures", "rules")).sort()).toEqual([...ids].sort());
    expect(listIds("test/rules", ".test.ts")).toEqual([...ids].sort());
  });

  it.each(ids)("%s has consistent metadata", (id) => {
    const { meta } = rules[id as keyof typeof rules];
    expect(meta.docs.url).toBe(ruleDocsUrl(id));
    expect(meta.docs.recommended).toBe(meta.docs.defaultSeverity !== "off");
    expect(meta.docs.description).toMatch(/^(Disallow|Require|Prefer|Report) /);
    expect(meta.docs.description).not.toMatch(/\.$/);
    expect(Object.keys(meta.messages).length).toBeGreaterThan(0);
    for (const [messageId, text] of Object.entries(meta.messages)) {
      expect(messageId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });

  it("every rule id is in the rule catalogue with its default severity", (ctx) => {
    const catalogue = join(ROOT, "..", "shared", "spec", "rules.md");
    if (!existsSync(catalogue)) {
      ctx.skip("../shared/spec/rules.md is not present");
      return;
    }
    const text = readFileSync(catalogue, "utf8");
    for (const id of ids) {
      const row = text.split("\n").find((line) => line.startsWith(`| ${id} |`));
      expect(row, `${id} is in rules.md`).toBeDefined();
      const severity = row!.split("|")[2]!.trim();
      expect(severity.startsWith(rules[id as keyof typeof rules].meta.docs.defaultSeverity), `${id} default severity`).toBe(true);
    }
  });
});
