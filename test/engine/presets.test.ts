import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultSeverities, effectiveSeverities, lintText, presetSeverities, PgsafeUsageError, rules } from "../../src/index.js";
import { run } from "../cli/helpers.js";

const OPT_IN = Object.entries(rules)
  .filter(([, rule]) => rule.meta.docs.defaultSeverity === "off")
  .map(([id]) => id);
const GOOSE = "-- +goose Up\nALTER TABLE users ADD COLUMN phone text;\n";

describe("presets", () => {
  it("recommended: each rule's default severity", () => {
    expect(presetSeverities("recommended")).toEqual(defaultSeverities());
  });

  it("strict: every rule on, the opt-in rules at warn", () => {
    const strict = presetSeverities("strict");
    expect(OPT_IN).toEqual(expect.arrayContaining(["require-down-migration", "irreversible-migration"]));
    expect(Object.keys(strict).sort()).toEqual(Object.keys(rules).sort());
    for (const [id, severity] of Object.entries(strict)) {
      expect(severity, id).toBe(OPT_IN.includes(id) ? "warn" : rules[id as keyof typeof rules].meta.docs.defaultSeverity);
    }
    expect(Object.keys(effectiveSeverities({ preset: "strict" })).sort()).toEqual(Object.keys(rules).sort());
  });

  it("rules, include and exclude override the preset", () => {
    const ids = (options: Parameters<typeof lintText>[1]) => lintText(GOOSE, options).messages.map((m) => m.ruleId);
    expect(ids({})).not.toContain("require-down-migration");
    expect(ids({ preset: "strict" })).toContain("require-down-migration");
    expect(ids({ preset: "strict", rules: { "require-down-migration": "off" } })).not.toContain("require-down-migration");
    expect(ids({ preset: "strict", exclude: ["require-down-migration"] })).not.toContain("require-down-migration");
    expect(lintText(GOOSE, { preset: "strict", rules: { "require-down-migration": "error" } }).messages.find((m) => m.ruleId === "require-down-migration")!.severity).toBe(2);
  });

  it("an unknown preset is a usage error", () => {
    expect(() => lintText("SELECT 1;", { preset: "paranoid" as "strict" })).toThrow(PgsafeUsageError);
    expect(() => presetSeverities("paranoid" as "strict")).toThrow(/Unknown preset "paranoid"/);
  });
});

describe("--preset and the preset config key", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgsafe-preset-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "db"));
  writeFileSync(join(dir, "db", "1_phone.sql"), GOOSE);

  it("--preset strict turns the opt-in rules on; --exclude still wins", async () => {
    const plain = await run(["--no-config", "--format", "json", "db"], { cwd: dir });
    const strict = await run(["--no-config", "--format", "json", "--preset", "strict", "db"], { cwd: dir });
    const excluded = await run(["--no-config", "--format", "json", "--preset", "strict", "--exclude", "require-down-migration", "db"], { cwd: dir });
    expect(plain.stdout).not.toContain("require-down-migration");
    expect(strict.stdout).toContain("require-down-migration");
    expect(excluded.stdout).not.toContain("require-down-migration");
    expect((await run(["--preset", "paranoid", "db"], { cwd: dir })).code).toBe(2);
  });

  it('"preset": "strict" in the config, and --preset recommended over it', async () => {
    writeFileSync(join(dir, "pgsafe.config.json"), JSON.stringify({ preset: "strict", rules: { "irreversible-migration": "off" } }));
    const fromConfig = await run(["--format", "json", "db"], { cwd: dir });
    expect(fromConfig.stdout).toContain("require-down-migration");
    const overridden = await run(["--format", "json", "--preset", "recommended", "db"], { cwd: dir });
    expect(overridden.stdout).not.toContain("require-down-migration");
  });
});
