/**
 * Which rules run, at which severity: the preset (each rule's default, or `strict`: every rule
 * on), then explicit per-rule settings, then `include` (opt-in rules) and `exclude`.
 */
import { rules } from "../../rules/index.js";
import type { RuleRegistry } from "./linter.js";
import type { SeverityName } from "../types.js";

/** The rule presets: `recommended` (each rule's default severity) and `strict` (every rule on). */
export const PRESET_NAMES = ["recommended", "strict"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The severity of every rule of `registry` (default: pgsafe's rules) in a preset:
 * - `recommended`: each rule's default severity (opt-in rules stay "off");
 * - `strict`: every rule on: its default severity, and "warn" for the rules that are off by
 *   default (require-down-migration, irreversible-migration, ...), so that turning them all on
 *   reports more without failing a build that passed before on a finding of an opt-in rule.
 *
 * The ESLint plugin's `configs.strict` uses it too.
 */
export function presetSeverities(name: PresetName, registry: RuleRegistry = rules as RuleRegistry): Record<string, SeverityName> {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new TypeError(`Unknown preset "${String(name)}": use one of ${PRESET_NAMES.join(", ")}.`);
  const out: Record<string, SeverityName> = {};
  for (const [id, rule] of Object.entries(registry)) {
    const severity = rule.meta.docs.defaultSeverity as SeverityName;
    out[id] = name === "strict" && severity === "off" ? "warn" : severity;
  }
  return out;
}

export interface SeverityOptions {
  /** The preset the other settings apply on top of (default "recommended"). */
  preset?: PresetName;
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
  for (const [id, severity] of Object.entries(presetSeverities(options.preset ?? "recommended", registry))) levels[id] = LEVEL[severity];
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
