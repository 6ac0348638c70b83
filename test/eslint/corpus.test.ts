/**
 * Real-world migrations (../shared/corpus/real-world, every 20th file): ESLint with the plugin's
 * strict config reports what pgsafe's library reports with the strict preset, and `--fix` gives the
 * same text (every 60th file). The whole corpus agrees too (run with PGSAFE_ESLINT_CORPUS=all).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Linter } from "eslint";
import { lintText } from "../../src/index.js";
import { comparable, plugin, ROOT } from "./helpers.js";

const CORPUS = join(ROOT, "..", "shared", "corpus", "real-world");
const present = existsSync(CORPUS);
const STEP = process.env.PGSAFE_ESLINT_CORPUS === "all" ? 1 : 20;

describe.skipIf(!present)("real-world corpus through ESLint", () => {
  const files = present
    ? readdirSync(CORPUS, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".sql"))
        .map((e) => join(e.parentPath, e.name))
        .sort()
        .filter((_, i) => i % STEP === 0)
    : [];

  it("same findings and same --fix output as pgsafe", { timeout: 600_000 }, () => {
    expect(files.length).toBeGreaterThan(100);
    const configs = [plugin.configs.strict];
    const differences: string[] = [];
    let findings = 0;
    files.forEach((file, i) => {
      const text = readFileSync(file, "utf8");
      const options = { preset: "strict" as const, filePath: file, cwd: CORPUS };
      const expected = comparable(lintText(text, options).messages);
      const got = comparable(new Linter({ cwd: CORPUS }).verify(text, configs, { filename: file }));
      findings += expected.length;
      if (JSON.stringify(got) !== JSON.stringify(expected)) differences.push(`${file}: findings differ`);
      if (i % 3 === 0) {
        const fixed = new Linter({ cwd: CORPUS }).verifyAndFix(text, configs, { filename: file }).output;
        if (fixed !== (lintText(text, { ...options, fix: true }).output ?? text)) differences.push(`${file}: --fix output differs`);
      }
    });
    expect(differences).toEqual([]);
    expect(findings).toBeGreaterThan(files.length);
  });
});
