/**
 * pgsafe as an ESLint plugin: the `pgsafe/sql` language and every pgsafe rule.
 *
 *   // eslint.config.js
 *   import pgsafe from "pgsafe/eslint-plugin";
 *   export default [pgsafe.configs.recommended];
 *
 * docs/eslint.md describes the set-up, the language options and the differences from the CLI.
 */
import type { Plugin, RuleDefinition } from "@eslint/core";
import { rules as pgRules, type RuleId } from "../../rules/index.js";
import { presetSeverities, type PresetName } from "../engine/severities.js";
import type { RuleRegistry } from "../engine/linter.js";
import { pgsafePackage } from "../reporters/rule-docs.js";
import type { SeverityName } from "../types.js";
import { sql } from "./language.js";
import { eslintRule } from "./rules.js";

export { sql, validateLanguageOptions, type PgsafeLanguageOptions } from "./language.js";
export { PgEslintSourceCode } from "./source-code.js";

/** The ESLint rules, by pgsafe rule id (ESLint names them `pgsafe/<id>`). */
const rules = Object.fromEntries(Object.entries(pgRules).map(([id, rule]) => [id, eslintRule(id, rule, pgRules)])) as Record<RuleId, RuleDefinition>;

/** A flat config object of the plugin. */
export interface PgsafeConfig {
  name: string;
  files: string[];
  plugins: { pgsafe: Plugin };
  language: "pgsafe/sql";
  rules: Record<string, SeverityName>;
}

function preset(name: PresetName): PgsafeConfig {
  const severities = presetSeverities(name, pgRules as RuleRegistry);
  return {
    name: `pgsafe/${name}`,
    files: ["**/*.sql"],
    plugins: { pgsafe: plugin },
    language: "pgsafe/sql",
    rules: Object.fromEntries(Object.entries(severities).map(([id, severity]) => [`pgsafe/${id}`, severity])),
  };
}

const plugin = {
  meta: { name: "pgsafe", version: pgsafePackage().version, namespace: "pgsafe" },
  languages: { sql },
  rules,
  configs: {} as { recommended: PgsafeConfig; strict: PgsafeConfig },
} satisfies Plugin;

/** Every rule at its default severity (opt-in rules "off"): what `pgsafe` runs by default. */
plugin.configs.recommended = preset("recommended");
/** Every rule on: its default severity, "warn" for the opt-in rules (`pgsafe --preset strict`). */
plugin.configs.strict = preset("strict");

export default plugin;
