/**
 * JSON parsing with a line and column for syntax errors, worded the same on every Node version
 * (the engine's own messages differ between versions and often give no line).
 */

export interface JsonSyntaxProblem {
  /** 1-based line and UTF-16 column of the offending character. */
  line: number;
  column: number;
  reason: string;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem };

/** Parses JSON text (a leading byte-order mark is ignored). */
export function parseJson(raw: string): JsonParseResult {
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const found = locateSyntaxError(text);
    if (found) return { ok: false, problem: { ...lineAndColumn(text, found.offset), reason: found.reason } };
    // The scanner accepts what the engine rejected: keep the engine's words.
    return { ok: false, problem: { line: 1, column: 1, reason: error instanceof Error ? error.message : String(error) } };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Finds the first syntax error of RFC 8259 JSON: its offset and what was expected there. */
export function locateSyntaxError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Stop(at, reason);
  };
  const found = (): string => {
    if (i >= text.length) return "the end of the file";
    const c = text[i]!;
    if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) return "a comment (JSON has no comments)";
    return /\s/.test(c) ? `a ${c === "\t" ? "tab" : "whitespace"} character` : `"${String.fromCodePoint(text.codePointAt(i)!)}"`;
  };
  const space = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail("unterminated string", start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail("a line break or control character inside a string (escape it, e.g. \\n)");
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("\\u must be followed by four hexadecimal digits");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape "\\${e ?? ""}" in a string`);
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${found()}${text[i] === "}" ? " (a trailing comma?)" : ""}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected ":" after the property name, found ${found()}`);
        i++;
        value();
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${found()}`);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] === "]") fail(`expected a value, found ${found()} (a trailing comma?)`);
        value();
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${found()}`);
      }
    }
    if (c === '"') return string();
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && NUMBER.exec(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(`expected a value, found ${found()}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    return undefined;
  } catch (stop) {
    if (stop instanceof Stop) return { offset: stop.offset, reason: stop.reason };
    throw stop;
  }
}
