/**
 * Public types: rule definitions, lint messages and results.
 */
import type { RulesMeta, RuleTextEdit, RuleVisitor, SourceLocation, ViolationReport } from "@eslint/core";
import type { MigrationOptions } from "./analysis/context.js";
import type { LockMode } from "./analysis/locks-types.js";
import type { PgNode, PgSourceCode } from "./language/source-code.js";
import type { LockTimeline } from "./timeline.js";

export type { MigrationOptions } from "./analysis/context.js";
export type { PgNode, PgSourceCode } from "./language/source-code.js";

export type SeverityName = "off" | "warn" | "error";

export type RuleCategory = "locking" | "compatibility" | "transactions" | "design" | "syntax";

/** pgsafe's additions to ESLint's `meta.docs`. */
export interface PgRuleDocs {
  description: string;
  /** Severity when the user does not configure the rule. */
  defaultSeverity: SeverityName;
  recommended: boolean;
  url: string;
  category: RuleCategory;
  /** The lock the flagged statement takes, for the docs and SARIF properties. */
  lock?: LockMode;
  /** Lowest Postgres major version where the rule's advice applies. */
  minPgVersion?: number;
}

/** Language options: the facts about how the migration runs. */
export type PgLanguageOptions = MigrationOptions;

export type PgRuleVisitor = RuleVisitor & {
  Migration?: (node: unknown) => void;
  "Migration:exit"?: (node: unknown) => void;
} & Record<string, ((node: PgNode) => void) | ((node: never) => void) | undefined>;

/** A report: ESLint's violation report, plus the safe path (`help`) with the real names filled in. */
export type PgReport<MessageIds extends string = string> = ViolationReport<PgNode, MessageIds> & { help?: string };

/** What a rule's `create` receives: ESLint's RuleContext shape over pgsafe's SourceCode. */
export interface PgRuleContext<MessageIds extends string = string, Options extends unknown[] = unknown[]> {
  id: string;
  options: Options;
  sourceCode: PgSourceCode;
  languageOptions: PgLanguageOptions;
  settings: Record<string, unknown>;
  cwd: string;
  filename: string;
  physicalFilename: string;
  report(report: PgReport<MessageIds>): void;
}

export type PgRuleMeta<MessageIds extends string = string, Options extends unknown[] = unknown[]> = RulesMeta<
  MessageIds,
  Options,
  PgRuleDocs
> & {
  type: "problem" | "suggestion";
  docs: PgRuleDocs;
  messages: Record<MessageIds, string>;
};

/** An ESLint-shaped rule: metadata, and visitors keyed by libpg-query node type. */
export interface PgRuleDefinition<MessageIds extends string = string, Options extends unknown[] = unknown[]> {
  meta: PgRuleMeta<MessageIds, Options>;
  create(context: PgRuleContext<MessageIds, Options>): PgRuleVisitor;
}

export interface LintSuggestion {
  desc: string;
  messageId?: string;
  fix: RuleTextEdit;
}

/** One finding, in ESLint's message shape plus pgsafe's help text. */
export interface LintMessage {
  ruleId: string;
  /** 1 = warning, 2 = error. */
  severity: 1 | 2;
  message: string;
  messageId?: string;
  /** 1-based line and UTF-16 column; the end column is exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The safe path, with the real names filled in. */
  help?: string;
  docsUrl?: string;
  fix?: RuleTextEdit;
  suggestions?: LintSuggestion[];
  /** UTF-16 range in the file text (without BOM). */
  range: [number, number];
  /** The file could not be linted (a read error or an internal error). */
  fatal?: boolean;
}

export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  /** Findings silenced by ignore comments (not counted). */
  suppressedMessages: LintMessage[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** The text that was linted (with `fix`: the fixed text, which the messages refer to). */
  source: string;
  /** With `fix`: the fixed text, when a fix changed it. */
  output?: string;
  /** Number of statements linted. */
  statementCount: number;
  /**
   * With the `lockTimeline` option (the text report asks for it), for a file with findings that holds
   * a lock blocking reads or writes across more than one statement: its lock timeline (one per up /
   * down migration of a tool's file). Not part of the JSON or SARIF output.
   */
  lockTimelines?: LockTimeline[];
}

export type { SourceLocation };
