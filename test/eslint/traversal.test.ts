/**
 * Rules see the same visitor events under ESLint as under pgsafe's engine: `Migration`, every
 * statement and wrapped node (enter and `:exit`, depth first), `Migration:exit`, once per up / down
 * section of a migration tool's file, with the same nodes (type, range, statement, parent).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Linter } from "eslint";
import { lintSource } from "../../src/engine/linter.js";
import { eslintRule } from "../../src/eslint/rules.js";
import { PgEslintSourceCode } from "../../src/eslint/source-code.js";
import { PgNode, PgSourceCode } from "../../src/language/source-code.js";
import { parseSql } from "../../src/parser/parse.js";
import type { PgRuleDefinition } from "../../src/types.js";
import { plugin, ROOT, sqlFiles } from "./helpers.js";

/** Every node type the engine's walk meets in the text. */
function nodeTypes(text: string): string[] {
  const types = new Set<string>();
  new PgSourceCode(parseSql(text)).walk((n) => types.add(n.type), () => undefined);
  return [...types];
}

/** A rule that records every event it gets. */
function recorder(types: string[], events: string[]): PgRuleDefinition {
  const describeNode = (key: string, node: unknown): string => {
    if (!(node instanceof PgNode)) return `${key} [${(node as { range: [number, number] }).range.join(",")}]`;
    return `${key} ${node.range.join(",")} stmt ${node.statement.index} parent ${node.parent?.type ?? "-"}`;
  };
  return {
    meta: { type: "problem", docs: { description: "Report every event", defaultSeverity: "error", recommended: true, url: "", category: "syntax" }, messages: {}, schema: [] },
    create(context) {
      const visitor: Record<string, (node: unknown) => void> = {};
      for (const key of ["Migration", "Migration:exit", ...types.flatMap((t) => [t, `${t}:exit`])]) {
        visitor[key] = (node: unknown) => events.push(`${describeNode(key, node)} wrap ${String(context.sourceCode.migration.options.wrap)}`);
      }
      return visitor;
    },
  };
}

function engineEvents(text: string, filePath: string, types: string[]): string[] {
  const events: string[] = [];
  const rule = recorder(types, events);
  lintSource(text, { rules: { rec: rule }, severities: { rec: 2 }, filePath });
  return events;
}

function eslintEvents(text: string, filePath: string, types: string[]): string[] {
  const events: string[] = [];
  const rec = { meta: { name: "rec" }, rules: { rec: eslintRule("rec", recorder(types, events), {}) } };
  new Linter({ cwd: ROOT }).verify(text, [{ files: ["**/*.sql"], plugins: { pgsafe: plugin, rec }, language: "pgsafe/sql", languageOptions: { framework: "none" }, rules: { "rec/rec": "error" } }], { filename: filePath });
  return events;
}

describe("visitor events under ESLint equal the engine's", () => {
  const files = [...sqlFiles("fixtures/examples"), ...sqlFiles("fixtures/parser"), ...sqlFiles("fixtures/rules/require-concurrent-index-creation")];
  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))("%s", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const types = nodeTypes(text);
    const expected = engineEvents(text, file, types);
    expect(expected.length).toBeGreaterThan(2);
    expect(eslintEvents(text, file, types)).toEqual(expected);
  });

  it("a goose file: one Migration … Migration:exit per section, each with its section's transaction", () => {
    const file = join(ROOT, "fixtures", "migrations", "goose", "20240112141500_index_users_email.sql");
    const text = readFileSync(file, "utf8");
    const types = nodeTypes(text);
    const events: string[] = [];
    const rec = { meta: { name: "rec" }, rules: { rec: eslintRule("rec", recorder(types, events), {}) } };
    const messages = new Linter({ cwd: ROOT }).verify(text, [{ files: ["**/*.sql"], plugins: { pgsafe: plugin, rec }, language: "pgsafe/sql", rules: { "rec/rec": "error" } }], { filename: file });
    expect(messages).toEqual([]);
    const roots = events.filter((e) => e.startsWith("Migration"));
    expect(roots).toEqual([
      `Migration [0,${text.length}] wrap none`,
      `Migration:exit [0,${text.length}] wrap none`,
      `Migration [0,${text.length}] wrap none`,
      `Migration:exit [0,${text.length}] wrap none`,
    ]);
    expect(events.filter((e) => e.startsWith("IndexStmt ")).length).toBe(1);
    expect(events.filter((e) => e.startsWith("DropStmt ")).length).toBe(1);
  });

  it("the ESLint source code's parents and ancestors follow the nodes", () => {
    const text = "CREATE TABLE t (id bigint PRIMARY KEY);\n";
    const source = new PgEslintSourceCode(parseSql(text), {});
    const nodes: PgNode[] = [];
    source.walk((n) => nodes.push(n), () => undefined);
    const column = nodes.find((n) => n.type === "ColumnDef")!;
    expect(source.getParent(column)?.type).toBe("CreateStmt");
    expect(source.getAncestors(column).map((n) => n.type)).toEqual(["Migration", "CreateStmt"]);
    expect(source.getParent(source.ast)).toBeUndefined();
  });
});
