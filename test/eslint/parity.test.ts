/**
 * ESLint with pgsafe's plugin reports what pgsafe's library reports, on the fixture files: the same
 * rule ids, severities, messages, message ids, positions, fixes and suggestions.
 */
import { describe, expect, it } from "vitest";
import { eslintFiles, pgsafeFile, sqlFiles, type Preset } from "./helpers.js";
import type { PgsafeLanguageOptions } from "../../src/eslint/language.js";

const EXAMPLES = sqlFiles("fixtures/examples");
const RULE_FIXTURES = sqlFiles("fixtures/rules");
const FRAMEWORKS = sqlFiles("fixtures/migrations");
const PARSER = sqlFiles("fixtures/parser");

async function expectSame(files: readonly string[], preset: Preset, languageOptions: PgsafeLanguageOptions = {}): Promise<number> {
  const fromEslint = await eslintFiles(files, preset, languageOptions);
  expect([...fromEslint.keys()].sort()).toEqual([...files].sort());
  let findings = 0;
  for (const file of files) {
    const expected = pgsafeFile(file, preset, languageOptions);
    expect({ file, messages: fromEslint.get(file) }).toEqual({ file, messages: expected });
    findings += expected.length;
  }
  return findings;
}

describe("ESLint with pgsafe/eslint-plugin reports what pgsafe reports", () => {
  it("fixtures/examples, recommended", async () => {
    expect(await expectSame(EXAMPLES, "recommended")).toBeGreaterThan(5);
  });

  it("fixtures/examples with each language option", async () => {
    await expectSame(EXAMPLES, "strict", { pgVersion: 10 });
    await expectSame(EXAMPLES, "strict", { assumeInTransaction: true });
    await expectSame(EXAMPLES, "strict", { lockTimeoutSetByRunner: true, statementTimeoutSetByRunner: true });
  });

  it("every rule fixture (valid and invalid), recommended and strict", async () => {
    expect(RULE_FIXTURES.length).toBeGreaterThan(100);
    const recommended = await expectSame(RULE_FIXTURES, "recommended");
    const strict = await expectSame(RULE_FIXTURES, "strict");
    expect(strict).toBeGreaterThan(recommended);
  });

  it("the migration-tool fixtures: goose / dbmate / sql-migrate sections, golang-migrate, Flyway, Prisma, sqitch, Django, Alembic", async () => {
    expect(FRAMEWORKS.length).toBeGreaterThan(30);
    expect(await expectSame(FRAMEWORKS, "strict")).toBeGreaterThan(10);
    await expectSame(FRAMEWORKS, "recommended", { assumeInTransaction: true });
    await expectSame(FRAMEWORKS, "recommended", { framework: "none" });
    await expectSame(FRAMEWORKS, "recommended", { framework: "goose", pgVersion: 11 });
  });

  it("the parser fixtures (syntax errors, psql meta-commands, PL/pgSQL, Unicode)", async () => {
    await expectSame(PARSER, "strict");
  });
});
