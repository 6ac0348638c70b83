/**
 * PgSourceCode: the parsed migration, its migration context and position helpers, shaped like
 * ESLint's TextSourceCode so that the same object serves pgsafe's engine and the ESLint language.
 */
import type { SourceLocation, SourceRange, TraversalStep } from "@eslint/core";
import { analyzeMigration, type MigrationContext, type MigrationOptions, type StatementFacts } from "../analysis/context.js";
import type { AstObject, Comment, ParsedSql, ParsedStatement } from "../parser/parse.js";
import type { SourceText } from "../parser/positions.js";
import { lexSql } from "../parser/lexer.js";
import { firstTokenFrom, type Token } from "../parser/tokens.js";

/** A node as rules see it: the libpg-query node object with its type and position. */
export class PgNode<T = AstObject> {
  readonly type: string;
  readonly value: T;
  readonly statement: ParsedStatement;
  readonly parent: PgNode | null;
  readonly #source: PgSourceCode;
  #range: SourceRange | undefined;

  constructor(type: string, value: T, statement: ParsedStatement, parent: PgNode | null, source: PgSourceCode, range?: SourceRange) {
    this.type = type;
    this.value = value;
    this.statement = statement;
    this.parent = parent;
    this.#source = source;
    this.#range = range;
  }

  /** UTF-16 range: a statement's whole span; for inner nodes, the token at their location. */
  get range(): SourceRange {
    if (!this.#range) {
      const start = this.#source.indexOfLocation(this.statement, (this.value as AstObject).location);
      this.#range = [start, this.#source.tokenEnd(this.statement, start)];
    }
    return this.#range;
  }

  get loc(): SourceLocation {
    return this.#source.locOf(this.range);
  }
}

/** The root node of a migration file. */
export interface MigrationRoot {
  type: "Migration";
  statements: ParsedStatement[];
  range: SourceRange;
  loc: SourceLocation;
}

/** The node type of a libpg-query wrapper object `{ NodeType: {...} }` (one key, capitalised). */
function wrappedType(value: object): string | undefined {
  let key: string | undefined;
  for (const k in value) {
    if (key !== undefined) return undefined;
    key = k;
  }
  if (key === undefined) return undefined;
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90 ? key : undefined;
}

export class PgSourceCode {
  readonly text: string;
  readonly parsed: ParsedSql;
  readonly source: SourceText;
  readonly migration: MigrationContext;
  readonly ast: MigrationRoot;
  readonly #statementTokens = new Map<number, Token[]>();

  constructor(parsed: ParsedSql, options: Partial<MigrationOptions> = {}) {
    this.parsed = parsed;
    this.text = parsed.text;
    this.source = parsed.source;
    this.migration = analyzeMigration(parsed, options);
    const range: SourceRange = [0, this.text.length];
    this.ast = { type: "Migration", statements: parsed.statements, range, loc: this.locOf(range) };
  }

  get lines(): string[] {
    return this.text.split(/\r\n|\r|\n/);
  }

  get comments(): Comment[] {
    return this.parsed.comments;
  }

  getLoc(node: { range: SourceRange } | { loc: SourceLocation }): SourceLocation {
    if ("loc" in node && node.loc) return node.loc;
    return this.locOf((node as { range: SourceRange }).range);
  }

  getRange(node: { range: SourceRange }): SourceRange {
    return node.range;
  }

  getText(node?: { range: SourceRange }): string {
    return node ? this.text.slice(node.range[0], node.range[1]) : this.text;
  }

  locOf(range: SourceRange): SourceLocation {
    return this.source.locationOf(range[0], range[1]);
  }

  /** The migration facts (transaction, timeouts, locks) of the statement a node belongs to. */
  factsOf(node: PgNode | ParsedStatement): StatementFacts {
    const statement = node instanceof PgNode ? node.statement : node;
    return this.migration.facts(statement.index);
  }

  /** UTF-16 index of a node `location` (a byte offset relative to the statement's parse). */
  indexOfLocation(statement: ParsedStatement, location: unknown): number {
    // A hidden statement (DO block, function body, EXECUTE string) maps its own locations.
    if (statement.locate && (location === undefined || (typeof location === "number" && location >= 0))) return statement.locate(location ?? 0);
    if (typeof location !== "number" || location < 0) {
      return location === undefined ? this.source.indexFromByte(statement.byteBase) : statement.start;
    }
    return this.source.indexFromByte(statement.byteBase + location);
  }

  /** The statement's tokens (comments included), with indices into the file text. */
  tokensOf(statement: ParsedStatement): Token[] {
    let tokens = this.#statementTokens.get(statement.index);
    if (!tokens) {
      const all = statement.hiddenIn || statement.locate ? undefined : this.parsed.lexedTokens;
      if (all) {
        // The file is lexed already, and a statement spans whole tokens of it: its share.
        const first = firstTokenFrom(all, statement.start);
        let end = first;
        while (end < all.length && all[end]!.start < statement.end) end++;
        tokens = all.slice(first, end);
      } else {
        // The statement alone (lexing the whole file for a few statements costs more), shifted to
        // file indices. For a statement of a DO block or function body, its text is a string's body.
        tokens = lexSql(statement.text);
        for (const t of tokens) {
          t.start += statement.start;
          t.end += statement.start;
        }
      }
      this.#statementTokens.set(statement.index, tokens);
    }
    return tokens;
  }

  /** End of the token that starts at (or contains) `index` within the statement. */
  tokenEnd(statement: ParsedStatement, index: number): number {
    for (const t of this.tokensOf(statement)) if (t.start <= index && index < t.end) return t.end;
    return Math.min(index + 1, statement.end);
  }

  /**
   * Range of the `n`th subcommand of an ALTER TABLE (the comma-separated actions after the table
   * name), or the whole statement when it cannot be found.
   */
  alterCommandRange(statement: ParsedStatement, n: number): SourceRange {
    const tokens = this.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
    // Skip ALTER TABLE [IF EXISTS] [ONLY] name [*]: the actions start after the relation name,
    // which is the first token at the RangeVar's location (and its qualifiers).
    const relationAt = this.indexOfLocation(statement, (statement.node.relation as AstObject | undefined)?.location);
    let k = tokens.findIndex((t) => t.start >= relationAt);
    if (k < 0) return [statement.start, statement.end];
    k++;
    while (k + 1 < tokens.length && tokens[k]!.upper === "." ) k += 2;
    if (tokens[k]?.upper === "*") k++;
    const segments: SourceRange[] = [];
    let depth = 0;
    let segStart = tokens[k]?.start;
    let segEnd = segStart;
    for (; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === "open-paren") depth++;
      else if (t.kind === "close-paren") depth--;
      if (t.upper === "," && depth === 0) {
        if (segStart !== undefined && segEnd !== undefined) segments.push([segStart, segEnd]);
        segStart = tokens[k + 1]?.start;
        continue;
      }
      segEnd = t.end;
    }
    if (segStart !== undefined && segEnd !== undefined) segments.push([segStart, segEnd]);
    return segments[n] ?? [statement.start, statement.end];
  }

  /** Range from the first token matching `first` to the end of the following tokens matching `rest`. */
  keywordRange(statement: ParsedStatement, words: string[]): SourceRange | undefined {
    const tokens = this.tokensOf(statement).filter((t) => !t.kind.startsWith("comment"));
    for (let i = 0; i + words.length <= tokens.length; i++) {
      if (words.every((w, j) => tokens[i + j]!.upper === w)) return [tokens[i]!.start, tokens[i + words.length - 1]!.end];
    }
    return undefined;
  }

  /**
   * Calls `enter` / `exit` for every statement node and every wrapped node inside it, depth first;
   * with `only`, for the nodes of those types alone (their `parent`s are still the nearest wrapped
   * node, made when needed), which spares a node object for every expression of the file.
   */
  walk(enter: (node: PgNode) => void, exit: (node: PgNode) => void, only?: ReadonlySet<string>): void {
    // The wrapped nodes on the path from the statement down, and their PgNodes once made.
    const types: string[] = [];
    const inners: AstObject[] = [];
    const nodes: (PgNode | undefined)[] = [];
    let statement!: ParsedStatement;
    const nodeAt = (depth: number): PgNode => {
      let node = nodes[depth];
      if (!node) {
        node = new PgNode(types[depth]!, inners[depth]!, statement, nodeAt(depth - 1), this);
        nodes[depth] = node;
      }
      return node;
    };
    const visit = (value: unknown): void => {
      if (value === null || typeof value !== "object") return;
      if (Array.isArray(value)) {
        for (const v of value) visit(v);
        return;
      }
      const type = wrappedType(value);
      if (type !== undefined) {
        const inner = (value as Record<string, unknown>)[type];
        if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
          const depth = types.length;
          types.push(type);
          inners.push(inner as AstObject);
          nodes.push(undefined);
          const listened = !only || only.has(type);
          if (listened) enter(nodeAt(depth));
          for (const key in inner) visit((inner as Record<string, unknown>)[key]);
          if (listened) exit(nodeAt(depth));
          types.pop();
          inners.pop();
          nodes.pop();
          return;
        }
      }
      for (const key in value) visit((value as Record<string, unknown>)[key]);
    };
    for (const s of this.parsed.statements) {
      statement = s;
      const node = new PgNode(s.type, s.node, s, null, this, [s.start, s.end]);
      types.push(s.type);
      inners.push(s.node);
      nodes.push(node);
      const listened = !only || only.has(s.type);
      if (listened) enter(node);
      for (const key in s.node) visit(s.node[key]);
      if (listened) exit(node);
      types.pop();
      inners.pop();
      nodes.pop();
    }
  }

  /** ESLint traversal steps: the root, then every node (enter and exit). */
  traverse(): Iterable<TraversalStep> {
    const steps: TraversalStep[] = [{ kind: 1, target: this.ast, phase: 1, args: [this.ast, null] }];
    this.walk(
      (node) => steps.push({ kind: 1, target: node, phase: 1, args: [node, node.parent] }),
      (node) => steps.push({ kind: 1, target: node, phase: 2, args: [node, node.parent] }),
    );
    steps.push({ kind: 1, target: this.ast, phase: 2, args: [this.ast, null] });
    return steps;
  }
}
