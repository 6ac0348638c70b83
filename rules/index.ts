/**
 * Every rule, by id. Kept explicit and alphabetical; test/meta/registry.test.ts checks it against
 * the rule files, the docs and the fixtures.
 */
import type { PgRuleDefinition } from "../src/types.js";
import requireConcurrentIndexCreation from "./require-concurrent-index-creation.js";
import syntaxError from "./syntax-error.js";
import unusedIgnore from "./unused-ignore.js";

const registry = {
  "require-concurrent-index-creation": requireConcurrentIndexCreation,
  "syntax-error": syntaxError,
  "unused-ignore": unusedIgnore,
} satisfies Record<string, PgRuleDefinition>;

export type RuleId = keyof typeof registry;

/** The rules by id, typed as general rule definitions (each file keeps its precise type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: Record<RuleId, PgRuleDefinition<any, any>> = registry;
