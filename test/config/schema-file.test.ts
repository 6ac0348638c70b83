/**
 * The config JSON Schema shipped for editors (src/config/pgsafe.config.schema.json) is the one the
 * loader validates with (src/config/schema.ts), lists every rule, is valid draft-07, and is
 * shipped by package.json at a stable path. `npm run docs:update` rewrites a stale file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { buildConfigSchema, configSchemaText, FRAMEWORKS, SCHEMA_PATH } from "../../src/config/schema.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCHEMA_FILE = join(ROOT, SCHEMA_PATH);

describe("pgsafe.config.schema.json", () => {
  it("matches the schema the loader uses (run `npm run docs:update` when stale)", () => {
    const expected = configSchemaText(rules);
    if (process.env.PGSAFE_UPDATE_README === "1") writeFileSync(SCHEMA_FILE, expected);
    expect(readFileSync(SCHEMA_FILE, "utf8"), "src/config/pgsafe.config.schema.json is stale: run `npm run docs:update`").toBe(expected);
  });

  it("is a valid draft-07 schema that compiles in ajv's strict mode", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    // A rule entry is a tuple whose options are optional (["error"] or ["error", {...}]), which
    // strictTuples rejects by design; union types (`"type": ["string", "number"]`) are plain
    // JSON Schema that rules use for their options. Everything else is held to strict mode.
    const ajv = new Ajv({ strict: true, strictTuples: false, allowUnionTypes: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    const validate = ajv.compile(schema);
    expect(validate({ $schema: "./x.json", pgVersion: 16, rules: { "require-lock-timeout": ["error", { max: "5s" }] } })).toBe(true);
    expect(validate({ pgVersion: 20 })).toBe(false);
  });

  it("lists every rule with its description, default and options", () => {
    const schema = buildConfigSchema(rules) as { properties: { rules: { properties: Record<string, { description: string; then: { items: unknown[] } }> } } };
    const entries = schema.properties.rules.properties;
    expect(Object.keys(entries).sort()).toEqual(Object.keys(rules).sort());
    for (const [id, rule] of Object.entries(rules)) {
      expect(entries[id]!.description).toContain(rule.meta.docs.description);
      expect(entries[id]!.description).toContain(`default: ${rule.meta.docs.defaultSeverity}`);
      const optionSchemas = Array.isArray(rule.meta.schema) ? rule.meta.schema : [];
      expect(entries[id]!.then.items).toHaveLength(1 + optionSchemas.length);
    }
  });

  it("offers every framework of the command line", () => {
    const schema = buildConfigSchema(rules) as { properties: { framework: { enum: string[] } } };
    expect(schema.properties.framework.enum).toEqual([...FRAMEWORKS]);
    expect(FRAMEWORKS).toEqual(expect.arrayContaining(["auto", "none", "goose", "dbmate", "golang-migrate", "flyway", "prisma", "sqitch", "django", "alembic", "sql-migrate"]));
  });

  it("ships in the package: listed in files and exports", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain(SCHEMA_PATH);
    expect(pkg.exports["./pgsafe.config.schema.json"]).toBe(`./${SCHEMA_PATH}`);
  });
});
