/**
 * docs/configuration.md documents every key of the schema, and every JSON example in it is a
 * valid config.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { buildConfigSchema } from "../../src/config/schema.js";
import { validateConfig } from "../../src/config/validate.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "..", "docs", "configuration.md"), "utf8");
const examples = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("docs/configuration.md", () => {
  it("has a section per key", () => {
    const keys = Object.keys((buildConfigSchema(rules) as { properties: Record<string, unknown> }).properties);
    for (const key of keys) expect(DOC, key).toContain(`### \`${key}\`\n`);
  });

  it("has JSON examples, and each is a valid config (a package.json example: its \"pgsafe\" key)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const text of examples) {
      const value = JSON.parse(text) as Record<string, unknown>;
      const config = "name" in value ? value.pgsafe : value;
      expect(validateConfig(config, rules), text).toBeUndefined();
    }
  });
});
