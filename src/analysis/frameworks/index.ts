/**
 * Migration tools: which tool runs a file (detected from its markers and layout, or forced with
 * the `framework` option), which parts of the file are its up and down migrations, and whether the
 * tool runs each of them in a transaction. docs/frameworks.md describes each tool and its source.
 *
 *   planMigration(text, "/app/db/migrations/20240101_add_index.sql")
 *   // { framework: "goose", sections: [{ direction: "up", ranges: [[0, 120]], wrap: "transaction", ... }, ...] }
 *
 * `lintMigration` lints each section as its own migration with its own transaction semantics, and
 * reports the findings at the lines of the original file.
 */
import { stripBom } from "../../parser/parse.js";
import type { LintResult } from "../../types.js";
import { alembic } from "./alembic.js";
import { dbmate } from "./dbmate.js";
import { django } from "./django.js";
import { flyway } from "./flyway.js";
import { golangMigrate } from "./golang-migrate.js";
import { goose } from "./goose.js";
import { liquibase } from "./liquibase.js";
import { prisma } from "./prisma.js";
import { migrationRoles } from "./downs.js";
import { linesOf, type Line } from "./lines.js";
import { blankerOf, fileDirectiveRanges, mergeResults, terminateAt } from "./sections.js";
import { sqitch } from "./sqitch.js";
import { sqlMigrate } from "./sql-migrate.js";
import type { FrameworkDefinition, FrameworkName, FrameworkOption, MigrationFile, MigrationPlan, MigrationRole, MigrationSection, Runner, Wrap } from "./types.js";

export { checkedFramework, FRAMEWORK_NAMES, FRAMEWORK_OPTIONS } from "./types.js";
export type { DownMigration, FrameworkDefinition, FrameworkName, FrameworkOption, MigrationPlan, MigrationRole, MigrationSection, Runner, Wrap } from "./types.js";
export { orderSqitchChanges, parseSqitchPlan } from "./sqitch-plan.js";
export { blankOutside } from "./sections.js";

/**
 * The tools, in the order detection tries them: markers in the text first (they are explicit;
 * Liquibase's header must be the first line, so it goes first),
 * then the output formats of Alembic and Django, then file layouts.
 */
export const FRAMEWORKS: readonly FrameworkDefinition[] = [liquibase, goose, sqlMigrate, dbmate, alembic, django, sqitch, prisma, flyway, golangMigrate];

export function frameworkDefinition(name: FrameworkName): FrameworkDefinition {
  const definition = FRAMEWORKS.find((f) => f.name === name);
  if (!definition) throw new TypeError(`Unknown migration framework "${String(name)}".`);
  return definition;
}

export interface PlanOptions {
  /** `auto` (default): detect per file; `none`: no tool (one migration, as psql runs it); or a tool's name. */
  framework?: FrameworkOption;
  /** PostgreSQL major version (default 15). */
  pgVersion?: number;
  /**
   * The runner wraps each file in a transaction. It decides for files of no tool, and for files
   * whose tool was detected from names other tools share (golang-migrate's `<version>_<name>.up.sql`).
   */
  assumeInTransaction?: boolean;
}

function migrationFile(text: string, filePath: string | undefined, pgVersion: number): MigrationFile {
  const path = filePath && !/^<.*>$/.test(filePath) ? filePath.replace(/\\/g, "/") : undefined;
  const body = stripBom(text).text;
  let lines: readonly Line[] | undefined;
  const file: MigrationFile = { text: body, lines: () => (lines ??= linesOf(body)), pgVersion };
  if (path) file.path = path;
  return file;
}

/** The tool detected for a file, or undefined when nothing marks it as any tool's. */
export function detectFramework(text: string, filePath?: string): FrameworkName | undefined {
  const file = migrationFile(text, filePath, 15);
  return FRAMEWORKS.find((f) => f.detect(file))?.name;
}

/** The tool that runs the file and the migrations (sections) the file holds. */
export function planMigration(text: string, filePath?: string, options: PlanOptions = {}): MigrationPlan {
  return planFile(migrationFile(text, filePath, options.pgVersion ?? 15), options);
}

function planFile(file: MigrationFile, options: PlanOptions): MigrationPlan {
  const choice = options.framework ?? "auto";
  const definition = choice === "none" ? undefined : choice === "auto" ? FRAMEWORKS.find((f) => f.detect(file)) : frameworkDefinition(choice);
  if (!definition) return { framework: "none", sections: [{ direction: "up", ranges: [[0, file.text.length]] }] };
  const sections = definition.sections(file);
  if (choice === "auto" && definition.sharedLayout && options.assumeInTransaction) {
    return { framework: definition.name, sections: sections.map(({ runner: _runner, ...section }) => ({ ...section, wrap: "transaction" })) };
  }
  return { framework: definition.name, sections };
}

/** Options a section adds to the file's migration options. */
export interface SectionOptions {
  wrap?: Wrap;
  runner?: Runner;
  /** Which migration the section is (only up migrations feed the known schema). */
  direction?: MigrationSection["direction"];
  /** The tool, the section's direction and, for an up migration, its down (see downs.ts). */
  migration?: MigrationRole;
}

/** Lints SQL text (the whole file, or the file with everything outside one section blanked out). */
export type SectionLinter = (text: string, section?: SectionOptions) => LintResult;

function sectionOptions(section: MigrationSection, migration: MigrationRole | undefined): SectionOptions {
  const options: SectionOptions = {};
  if (section.wrap) options.wrap = section.wrap;
  if (section.runner) options.runner = section.runner;
  options.direction = section.direction;
  if (migration) options.migration = migration;
  return options;
}

/** How a file is linted: whole (with its one migration's options, if a tool runs it), or as sections. */
export type MigrationSplit =
  | { kind: "whole"; options?: SectionOptions }
  | { kind: "sections"; sections: { text: string; options: SectionOptions }[] };

/**
 * The migrations a file holds, as its tool runs them: the whole file (a file of no tool, or one
 * migration that spans the file), or each section as the file's text with everything else
 * blanked out (positions unchanged, the byte-order mark kept), with its transaction semantics.
 * Shared by the CLI and the ESLint language, so that both lint the same migrations.
 */
export function migrationSplit(text: string, filePath: string | undefined, options: PlanOptions): MigrationSplit {
  const file = migrationFile(text, filePath, options.pgVersion ?? 15);
  const plan = planFile(file, options);
  if (plan.framework === "none" || plan.sections.length === 0) return { kind: "whole" };
  const roles = migrationRoles(plan.framework, plan.sections, file);
  const body = file.text;
  const bom = text.slice(0, text.length - body.length);
  const only = plan.sections.length === 1 ? plan.sections[0]! : undefined;
  if (only && !only.statementEnds && only.ranges.length === 1 && only.ranges[0]![0] === 0 && only.ranges[0]![1] >= body.length) {
    return { kind: "whole", options: sectionOptions(only, roles[0]) };
  }
  const everywhere = fileDirectiveRanges(body);
  const keepOnly = blankerOf(body);
  return {
    kind: "sections",
    sections: plan.sections.map((section, i) => ({
      text: bom + terminateAt(keepOnly([...section.ranges, ...everywhere]), section.statementEnds ?? []),
      options: sectionOptions(section, roles[i]),
    })),
  };
}

/**
 * Lints a file as the migrations its tool runs: each section on its own, with the tool's
 * transaction semantics, merged into one result for the file. A file of no tool is linted as it is.
 */
export function lintMigration(text: string, filePath: string | undefined, options: PlanOptions, lint: SectionLinter): LintResult {
  const split = migrationSplit(text, filePath, options);
  if (split.kind === "whole") return split.options ? lint(text, split.options) : lint(text);
  return mergeResults(
    split.sections.map((section) => lint(section.text, section.options)),
    text,
  );
}
