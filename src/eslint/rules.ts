/**
 * pgsafe's rules as ESLint rules. Each ESLint rule runs the pgsafe rule the way pgsafe's engine
 * (src/engine/linter.ts) runs it, so that ESLint reports what `pgsafe` reports:
 *
 * - once per migration of the file (its up / down sections, see language.ts), each instance with
 *   that section's PgSourceCode and migration options; a finding several sections report
 *   identically is reported once (as src/analysis/frameworks/sections.ts merges them);
 * - `-- pgsafe-ignore` comments silence findings as they do in the CLI, and `unused-ignore`
 *   reports the comments that silenced nothing once every other rule has run;
 * - `help` (the safe sequence) is not part of ESLint's message format: by default it is left out
 *   and the message is the CLI's message (the rule's docs page, meta.docs.url, shows the safe
 *   sequence). With `settings: { pgsafe: { help: true } }` it is appended to the message, after a
 *   blank line and `help: ` (as the CLI's text report prints it); such a message has no messageId.
 * - an exception in a rule becomes a finding of that rule, and the rest of the file is linted.
 */
import type { RuleDefinition, SourceLocation, SourceRange } from "@eslint/core";
import type { PgNode, PgSourceCode } from "../language/source-code.js";
import { interpolate } from "../engine/interpolate.js";
import type { Position } from "../parser/positions.js";
import type { PgReport, PgRuleDefinition, PgRuleVisitor } from "../types.js";
import { FINISH_EVENT, PgEslintSourceCode } from "./source-code.js";

/** What pgsafe's rules get from ESLint's rule context. */
interface EslintRuleContext {
  id: string;
  options: unknown[];
  sourceCode: unknown;
  settings: Record<string, unknown>;
  cwd: string;
  filename: string;
  physicalFilename: string;
  report(descriptor: Record<string, unknown>): void;
}

type Listener = (node: unknown) => void;

function isPosition(value: SourceLocation | Position): value is Position {
  return "line" in value;
}

/** The UTF-16 range a report points at, as the engine computes it. */
function rangeOf(section: PgSourceCode, report: PgReport): SourceRange {
  if ("node" in report && report.node) return report.node.range;
  const loc = (report as { loc: SourceLocation | Position }).loc;
  if (isPosition(loc)) {
    const at = section.source.indexAt(loc);
    return [at, at];
  }
  return [section.source.indexAt(loc.start), section.source.indexAt(loc.end)];
}

function internalErrorMessage(ruleId: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `Internal error in rule ${ruleId}: ${detail}. The rest of the file was linted; please report this.`;
}

const FIRST_CHARACTER: SourceLocation = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

function fileSourceCode(context: EslintRuleContext, ruleId: string): PgEslintSourceCode {
  if (context.sourceCode instanceof PgEslintSourceCode) return context.sourceCode;
  throw new TypeError(`pgsafe/${ruleId} lints SQL with the pgsafe/sql language: set \`language: "pgsafe/sql"\` for the files it runs on (see pgsafe's docs/eslint.md).`);
}

/** The `unused-ignore` findings of each section, merged as the CLI merges sections. */
function reportUnusedIgnores(file: PgEslintSourceCode, knownRules: Readonly<Record<string, unknown>>, rule: PgRuleDefinition, report: (loc: SourceLocation, message: string, messageId: string, data: Record<string, string>) => void): void {
  const found = new Map<string, { loc: SourceLocation; messageId: string; data: Record<string, string>; message: string; count: number }>();
  for (const section of file.sections) {
    for (const d of file.ignoresOf(section).directives) {
      const range: SourceRange = [d.start, d.end];
      const add = (messageId: string, data: Record<string, string>): void => {
        const message = interpolate(rule.meta.messages[messageId] ?? "", data);
        const key = [messageId, range[0], range[1], message].join("\u0000");
        const entry = found.get(key);
        if (entry) entry.count++;
        else found.set(key, { loc: section.locOf(range), messageId, data, message, count: 1 });
      };
      for (const id of d.rules ?? []) if (!Object.hasOwn(knownRules, id)) add("unknownRule", { rule: id });
      if (!d.rules) {
        if (d.used.size === 0) add(d.kind === "file" ? "unusedFile" : "unused", {});
      } else {
        for (const id of d.rules) if (Object.hasOwn(knownRules, id) && !d.used.has(id)) add(d.kind === "file" ? "unusedRuleFile" : "unusedRule", { rule: id });
      }
    }
  }
  for (const entry of found.values()) {
    // A pgsafe-ignore-file comment is in every section: it is unused only if no section used it.
    const fileLevel = entry.messageId === "unusedFile" || entry.messageId === "unusedRuleFile";
    if (file.split && fileLevel && entry.count < file.sections.length) continue;
    report(entry.loc, entry.message, entry.messageId, entry.data);
  }
}

/**
 * The ESLint rule for pgsafe rule `ruleId`. `knownRules` are all of pgsafe's rules (the ids a
 * pgsafe-ignore comment may name).
 */
export function eslintRule(ruleId: string, rule: PgRuleDefinition, knownRules: Readonly<Record<string, unknown>>): RuleDefinition {
  const meta = { ...rule.meta, languages: ["pgsafe/sql"] };
  return {
    meta: meta as RuleDefinition["meta"],
    create(eslintContext) {
      const context = eslintContext as unknown as EslintRuleContext;
      const file = fileSourceCode(context, ruleId);
      const seen = new Set<string>();
      const withHelp = (context.settings?.pgsafe as { help?: unknown } | undefined)?.help === true;
      const internalError = (error: unknown): void => {
        const message = internalErrorMessage(ruleId, error);
        if (file.split) {
          if (seen.has(message)) return;
          seen.add(message);
        }
        context.report({ loc: FIRST_CHARACTER, message });
      };

      const forward = (section: PgSourceCode, report: PgReport): void => {
        const range = rangeOf(section, report);
        if (file.ignoresOf(section).suppresses(ruleId, range[0])) return;
        if (file.split) {
          const template = "messageId" in report && report.messageId ? rule.meta.messages[report.messageId] : (report as { message?: string }).message;
          const key = [(report as { messageId?: string }).messageId ?? "", range[0], range[1], interpolate(template ?? "", report.data)].join("\u0000");
          if (seen.has(key)) return;
          seen.add(key);
        }
        const { help, ...descriptor } = report as PgReport & Record<string, unknown>;
        if (help && withHelp) {
          const template = "messageId" in report && report.messageId ? rule.meta.messages[report.messageId] : (report as { message?: string }).message;
          descriptor.message = `${interpolate(template ?? "", report.data)}\n\nhelp: ${help}`;
          delete descriptor.messageId;
          delete descriptor.data;
        }
        // The engine places a report with a node at the node, whatever its loc says.
        if (descriptor.node && descriptor.loc) delete descriptor.loc;
        else if ("loc" in descriptor && descriptor.loc && isPosition(descriptor.loc as SourceLocation | Position)) {
          // A point: ESLint would leave the end out, pgsafe ends where it starts.
          const at = descriptor.loc as Position;
          descriptor.loc = { start: at, end: at };
        }
        context.report(descriptor);
      };

      // One instance of the pgsafe rule per section, created as the engine creates it.
      const instances = new Map<PgSourceCode, PgRuleVisitor>();
      for (const section of file.sections) {
        const sectionContext = {
          id: ruleId,
          options: context.options,
          sourceCode: section,
          languageOptions: section.migration.options,
          settings: context.settings,
          cwd: context.cwd,
          filename: context.filename,
          physicalFilename: context.physicalFilename,
          report: (report: PgReport) => forward(section, report),
        };
        try {
          instances.set(section, rule.create(sectionContext as never));
        } catch (error) {
          internalError(error);
        }
      }

      let current: PgRuleVisitor | undefined;
      let broken = false;
      const call = (key: string, node: unknown): void => {
        const fn = current?.[key] as Listener | undefined;
        if (!fn || broken) return;
        try {
          fn(node);
        } catch (error) {
          broken = true;
          internalError(error);
        }
      };

      const visitor: Record<string, Listener> = {
        // Each section starts with its root: the listeners that follow belong to its instance.
        Migration(root) {
          const section = file.sectionOf(root);
          current = section ? instances.get(section) : undefined;
          broken = false;
          call("Migration", root);
        },
      };
      for (const instance of instances.values()) {
        for (const key of Object.keys(instance)) {
          if (key === "Migration" || typeof instance[key] !== "function") continue;
          visitor[key] ??= (node) => call(key, node as PgNode);
        }
      }
      if (ruleId === "unused-ignore") {
        visitor[FINISH_EVENT] = () =>
          reportUnusedIgnores(file, knownRules, rule, (loc, _message, messageId, data) => context.report({ loc, messageId, data }));
      }
      return visitor;
    },
  } as RuleDefinition;
}
