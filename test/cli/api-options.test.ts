/**
 * The API passes every option through to the engine: the engine is wrapped by a spy that records
 * the options each file is linted with.
 */
import { describe, expect, it, vi } from "vitest";
import type * as engine from "../../src/engine/linter.js";

const calls: engine.LintOptions[] = [];
vi.mock("../../src/engine/linter.js", async (importOriginal) => {
  const actual = await importOriginal<typeof engine>();
  return {
    ...actual,
    lintSource: (text: string, options: engine.LintOptions) => {
      calls.push(options);
      return actual.lintSource(text, options);
    },
  };
});

const { lintText } = await import("../../src/index.js");

describe("options reach the engine", () => {
  it("migration options, cwd and file name", () => {
    calls.length = 0;
    lintText("SELECT 1;", {
      pgVersion: 12,
      assumeInTransaction: true,
      lockTimeoutSetByRunner: true,
      statementTimeoutSetByRunner: true,
      cwd: "/srv/app",
      filePath: "db/1.sql",
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.migration).toEqual({ pgVersion: 12, assumeInTransaction: true, lockTimeoutSetByRunner: true, statementTimeoutSetByRunner: true });
    expect(calls[0]!.cwd).toBe("/srv/app");
    expect(calls[0]!.filePath).toBe("/srv/app/db/1.sql");
  });

  it("unset options are left to the engine's defaults", () => {
    calls.length = 0;
    lintText("SELECT 1;");
    expect(calls[0]!.migration).toEqual({});
  });

  it("severities: excluded rules are not passed", () => {
    calls.length = 0;
    lintText("SELECT 1;", { exclude: ["syntax-error"] });
    expect(calls[0]!.severities).not.toHaveProperty("syntax-error");
    expect(calls[0]!.severities).toHaveProperty("unused-ignore", 1);
  });
});
