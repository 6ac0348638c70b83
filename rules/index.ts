/**
 * Every rule, by id. Kept explicit and alphabetical; test/meta/registry.test.ts checks it against
 * the rule files, the docs and the fixtures.
 */
import type { PgRuleDefinition } from "../src/types.js";
import requireConcurrentIndexCreation from "./require-concurrent-index-creation.js";
import syntaxError from "./syntax-error.js";
import unusedIgnore from "./unused-ignore.js";

export const rules = {
  "require-concurrent-index-creation": requireConcurrentIndexCreation,
  "syntax-error": syntaxError,
  "unused-ignore": unusedIgnore,
} satisfies Record<string, PgRuleDefinition>;

export type RuleId = keyof typeof rules;
