/**
 * Which rules run, at which severity: each rule's default, then `include` (opt-in rules) and
 * `exclude`, then explicit per-rule settings.
 */
import type { RuleRegistry } from "./linter.js";
import type { SeverityName } from "../types.js";

export interface SeverityOptions {
  /** Rules to turn on (opt-in rules default to "warn"). */
  include?: readonly string[];
  /** Rules to turn off. */
  exclude?: readonly string[];
  /** Explicit settings, e.g. from a config file. */
  rules?: Record<string, SeverityName>;
}

export class UnknownRuleError extends Error {
  constructor(
    readonly ruleId: string,
    readonly where: string,
  ) {
    super(`Unknown rule "${ruleId}" in ${where}. Run \`pgsafe rules\` to list the rule ids.`);
  }
}

const LEVEL: Record<SeverityName, 0 | 1 | 2> = { off: 0, warn: 1, error: 2 };

/** The enabled rules and their numeric severity (1 warn, 2 error). */
export function resolveSeverities(registry: RuleRegistry, options: SeverityOptions = {}): Record<string, 1 | 2> {
  const levels: Record<string, 0 | 1 | 2> = {};
  for (const [id, rule] of Object.entries(registry)) levels[id] = LEVEL[rule.meta.docs.defaultSeverity as SeverityName];
  for (const [id, level] of Object.entries(options.rules ?? {})) {
    if (!(id in registry)) throw new UnknownRuleError(id, "the rules settings");
    levels[id] = LEVEL[level];
  }
  for (const id of options.include ?? []) {
    if (!(id in registry)) throw new UnknownRuleError(id, "--include");
    if (levels[id] === 0) levels[id] = options.rules?.[id] && options.rules[id] !== "off" ? LEVEL[options.rules[id]] : 1;
  }
  for (const id of options.exclude ?? []) {
    if (!(id in registry)) throw new UnknownRuleError(id, "--exclude");
    levels[id] = 0;
  }
  const enabled: Record<string, 1 | 2> = {};
  for (const [id, level] of Object.entries(levels)) if (level > 0) enabled[id] = level as 1 | 2;
  return enabled;
}
