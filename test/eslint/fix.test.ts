/**
 * `eslint --fix` with the plugin produces the text `pgsafe --fix` produces (`lintText(text, { fix: true })`,
 * the library function behind the CLI's --fix), and leaves the same findings.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";
import { lintText } from "../../src/index.js";
import { comparable, config, pgsafeOptions, ROOT, sqlFiles, type Preset } from "./helpers.js";

const FILES = [...sqlFiles("fixtures/examples"), ...sqlFiles("fixtures/rules"), ...sqlFiles("fixtures/migrations"), ...sqlFiles("fixtures/parser")];

async function expectSameFixes(preset: Preset): Promise<number> {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config(preset), fix: true });
  const results = await eslint.lintFiles(FILES.map((f) => relative(ROOT, f)));
  expect(results).toHaveLength(FILES.length);
  let fixed = 0;
  for (const result of results) {
    const text = readFileSync(result.filePath, "utf8");
    const expected = lintText(text, { ...pgsafeOptions(preset, {}, result.filePath), fix: true });
    expect({ file: result.filePath, output: result.output }).toEqual({ file: result.filePath, output: expected.output });
    expect({ file: result.filePath, left: comparable(result.messages) }).toEqual({ file: result.filePath, left: comparable(expected.messages) });
    if (expected.output !== undefined) fixed++;
  }
  return fixed;
}

describe("eslint --fix output equals pgsafe --fix output", () => {
  it("on every fixture file, recommended", async () => {
    expect(await expectSameFixes("recommended")).toBeGreaterThan(10);
  });

  it("on every fixture file, strict", async () => {
    expect(await expectSameFixes("strict")).toBeGreaterThan(10);
  });

  it("fixes on a text with a byte-order mark and multi-byte text before the fix", () => {
    const text = "\uFEFFSET lock_timeout = '2s'; -- ünïcødé 😀\nCREATE INDEX users_email_idx ON users (email);\nDROP INDEX users_email_idx;\n";
    const file = `${ROOT}/fixtures/eslint/bom.sql`;
    const expected = lintText(text, { ...pgsafeOptions("recommended", {}, file), fix: true });
    expect(expected.output).toBeDefined();
    return new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config(), fix: true }).lintText(text, { filePath: file }).then(([result]) => {
      expect(result!.output).toBe(expected.output);
      expect(result!.output!.startsWith("\uFEFF")).toBe(true);
      expect(comparable(result!.messages)).toEqual(comparable(expected.messages));
    });
  });
});
