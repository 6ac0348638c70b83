/**
 * The SourceCode ESLint gets for a SQL file: pgsafe's PgSourceCode of the whole file, plus what
 * ESLint asks a language for (disable directives, inline config, parents, the traversal) and the
 * migrations the file holds (its up / down sections, see parse.ts).
 *
 * pgsafe's rules run once per section, on that section's own PgSourceCode (src/eslint/rules.ts),
 * as the CLI lints each section on its own; for a file of no migration tool the one section is
 * this object itself.
 */
import type { FileProblem, RulesConfig, SourceCode, SourceLocation, SourceRange, TraversalStep } from "@eslint/core";

type InlineConfigElement = ReturnType<NonNullable<SourceCode["applyInlineConfig"]>>["configs"][number];
import { CallMethodStep, ConfigCommentParser, Directive, VisitNodeStep } from "@eslint/plugin-kit";
import type { MigrationOptions } from "../analysis/context.js";
import { findSuppressor, ignoreDirectives, type Directive as IgnoreDirective } from "../engine/directives.js";
import { PgNode, PgSourceCode, type MigrationRoot } from "../language/source-code.js";
import type { Comment, ParsedSql } from "../parser/parse.js";

/** The event pgsafe's traversal emits once every section has been visited (unused-ignore listens to it). */
export const FINISH_EVENT = "pgsafe:finish";

/** An SQL comment as ESLint sees it (disable directives and inline config point at these). */
export interface CommentNode {
  type: "Comment";
  kind: Comment["kind"];
  /** The text without `--` or the `/* *\/` delimiters. */
  value: string;
  range: SourceRange;
  loc: SourceLocation;
}

/** One migration of the file: its text (the file with the rest blanked out) parsed, and its options. */
export interface SectionInput {
  parsed: ParsedSql;
  options: Partial<MigrationOptions>;
}

/** A comment that holds an ESLint directive or inline configuration. */
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

const commentParser = new ConfigCommentParser();

/** pgsafe-ignore comments of one section, with which rules each silenced (reset for every traversal). */
class IgnoreState {
  #directives: IgnoreDirective[] | undefined;
  readonly #section: PgSourceCode;

  constructor(section: PgSourceCode) {
    this.#section = section;
  }

  /** The section's pgsafe-ignore comments, as the engine reads them (src/engine/linter.ts). */
  get directives(): IgnoreDirective[] {
    if (!this.#directives) {
      const { parsed } = this.#section;
      if (!parsed.text.includes("pgsafe-ignore")) this.#directives = [];
      else {
        this.#directives = ignoreDirectives(parsed, this.#section.source);
      }
    }
    return this.#directives;
  }

  /** True when a pgsafe-ignore comment silences this finding (and marks the comment used). */
  suppresses(ruleId: string, index: number): boolean {
    return this.directives.length > 0 && findSuppressor(this.directives, ruleId, index) !== undefined;
  }

  reset(): void {
    this.#directives = undefined;
  }
}

export class PgEslintSourceCode extends PgSourceCode {
  /** The file's migrations, each linted on its own by pgsafe's rules (this object for a plain file). */
  readonly sections: PgSourceCode[];
  /**
   * The file was split into sections (as the CLI does for a goose / dbmate / sql-migrate file, or a
   * section that is not the whole file): identical findings of several sections are reported once.
   */
  readonly split: boolean;
  readonly visitorKeys: Record<string, string[]> = {};
  readonly #ignores = new Map<PgSourceCode, IgnoreState>();
  #commentNodes: CommentNode[] | undefined;

  constructor(parsed: ParsedSql, options: Partial<MigrationOptions>, sections?: SectionInput[]) {
    super(parsed, options);
    this.split = sections !== undefined;
    this.sections = sections ? sections.map((s) => new PgSourceCode(s.parsed, s.options)) : [this];
    for (const section of this.sections) this.#ignores.set(section, new IgnoreState(section));
  }

  /** The section whose root node this is. */
  sectionOf(root: unknown): PgSourceCode | undefined {
    return this.sections.find((s) => s.ast === root);
  }

  /** pgsafe-ignore comments of a section. */
  ignoresOf(section: PgSourceCode): IgnoreState {
    const state = this.#ignores.get(section);
    if (!state) throw new Error("pgsafe: unknown section");
    return state;
  }

  /** The file's comments as nodes with ranges and locations. */
  get commentNodes(): CommentNode[] {
    this.#commentNodes ??= this.comments.map((c) => {
      const range: SourceRange = [c.start, c.end];
      return { type: "Comment", kind: c.kind, value: c.value, range, loc: this.locOf(range) };
    });
    return this.#commentNodes;
  }

  getParent(node: PgNode | MigrationRoot): PgNode | MigrationRoot | undefined {
    if (!(node instanceof PgNode)) return undefined;
    return node.parent ?? this.sections.find((s) => s.parsed.statements.includes(node.statement))?.ast ?? this.ast;
  }

  getAncestors(node: PgNode | MigrationRoot): (PgNode | MigrationRoot)[] {
    const ancestors: (PgNode | MigrationRoot)[] = [];
    for (let parent = this.getParent(node); parent; parent = this.getParent(parent)) ancestors.unshift(parent);
    return ancestors;
  }

  /** True when a comment lies between the two nodes (or ranges). */
  commentsExistBetween(left: { range: SourceRange }, right: { range: SourceRange }): boolean {
    return this.comments.some((c) => c.start >= left.range[1] && c.end <= right.range[0]);
  }

  getInlineConfigNodes(): CommentNode[] {
    return this.commentNodes.filter((c) => INLINE_CONFIG.test(c.value));
  }

  /** `-- eslint-disable…` / `-- eslint-enable` comments (line or block). */
  getDisableDirectives(): { directives: Directive[]; problems: FileProblem[] } {
    const directives: Directive[] = [];
    const problems: FileProblem[] = [];
    for (const node of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(node.value);
      if (!parsed || parsed.label === "eslint") continue;
      const type = parsed.label.slice("eslint-".length) as Directive["type"];
      if (type === "disable-line" && node.loc.start.line !== node.loc.end.line) {
        problems.push({ ruleId: null, message: `${parsed.label} comment should not span multiple lines.`, loc: node.loc });
        continue;
      }
      directives.push(new Directive({ type, node, value: parsed.value, justification: parsed.justification }));
    }
    return { directives, problems };
  }

  /** `/* eslint pgsafe/rule: "off" *\/` configuration comments. */
  applyInlineConfig(): { configs: InlineConfigElement[]; problems: FileProblem[] } {
    const configs: InlineConfigElement[] = [];
    const problems: FileProblem[] = [];
    for (const node of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(node.value);
      if (parsed?.label !== "eslint") continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config as RulesConfig }, loc: node.loc });
      else problems.push({ ruleId: null, message: result.error.message, loc: node.loc });
    }
    return { configs, problems };
  }

  /**
   * Every section as pgsafe's engine walks it: the section's `Migration` root, each statement and
   * each wrapped node inside it (enter and exit), `Migration:exit`; then the finish event.
   */
  override traverse(): Iterable<TraversalStep> {
    // A new lint run: pgsafe-ignore comments start unused.
    for (const state of this.#ignores.values()) state.reset();
    const steps: TraversalStep[] = [];
    for (const section of this.sections) {
      steps.push(new VisitNodeStep({ target: section.ast, phase: 1, args: [section.ast, null] }));
      section.walk(
        (node) => steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, node.parent ?? section.ast] })),
        (node) => steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, node.parent ?? section.ast] })),
      );
      steps.push(new VisitNodeStep({ target: section.ast, phase: 2, args: [section.ast, null] }));
    }
    steps.push(new CallMethodStep({ target: FINISH_EVENT, args: [] }));
    return steps;
  }
}
