/**
 * The junit reporter: one test suite, one test case per linted file, one <failure> per finding
 * (type = rule id), and XML that stays well-formed whatever the messages contain.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintFiles } from "../../src/index.js";
import junit, { xmlAttribute, xmlText } from "../../src/reporters/junit.js";
import { resultFor } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const context = { cwd: "/repo", color: false };

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decode(s: string, where: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(s)) throw new Error(`bare & in ${where}: ${s}`);
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
    e.startsWith("#") ? String.fromCharCode(Number(e.slice(1))) : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e]!,
  );
}

/**
 * A strict parser for the XML subset the reporter writes (declaration, elements, double-quoted
 * attributes, text): throws on anything that is not well-formed XML 1.0.
 */
function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error("a character XML 1.0 forbids");
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!xml.startsWith(declaration)) throw new Error("no XML declaration");
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: XmlElement[] = [{ name: "#document", attributes: {}, children: [], text: "" }];
  token.lastIndex = declaration.length;
  while (token.lastIndex < xml.length) {
    const start = token.lastIndex;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${start}: ${xml.slice(start, start + 40)}`);
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += decode(m[5], `text of <${top.name}>`);
      continue;
    }
    if (m[1]) {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attributes) throw new Error(`duplicate attribute ${a[1]}`);
      attributes[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
    }
    const element: XmlElement = { name: m[2]!, attributes, children: [], text: "" };
    top.children.push(element);
    if (!m[4]) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  const roots = stack[0]!.children;
  if (roots.length !== 1 || stack[0]!.text.trim() !== "") throw new Error("not exactly one root element");
  return roots[0]!;
}

describe("junit reporter", () => {
  it("has one suite, one test case per file and one failure per finding (type = rule id)", () => {
    const sql = "SET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\nUPDATE t SET a = 1;\n";
    const results = [
      resultFor("/repo/db/0001.sql", "SELECT 1;\n", []),
      resultFor("/repo/db/0002.sql", sql, [
        { ruleId: "require-concurrent-index-creation", severity: 2, message: "Blocks writes.", at: "CREATE INDEX", help: "Use CONCURRENTLY.", docsUrl: "https://example.test/r.md" },
        { ruleId: "unbatched-update", severity: 1, message: "Unbatched.", at: "UPDATE" },
      ]),
    ];
    const out = junit(results, context);
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="pgsafe" tests="2" failures="1" errors="0" time="0">',
        '  <testsuite name="pgsafe" tests="2" failures="1" errors="0" skipped="0" time="0">',
        '    <testcase name="db/0001.sql" classname="pgsafe" file="db/0001.sql" time="0" />',
        '    <testcase name="db/0002.sql" classname="pgsafe" file="db/0002.sql" time="0">',
        '      <failure type="require-concurrent-index-creation" message="db/0002.sql:2:1: Blocks writes.">error require-concurrent-index-creation at db/0002.sql:2:1 (to 2:13)',
        "Blocks writes.",
        "",
        "Use CONCURRENTLY.",
        "",
        "https://example.test/r.md</failure>",
        '      <failure type="unbatched-update" message="db/0002.sql:3:1: Unbatched.">warning unbatched-update at db/0002.sql:3:1 (to 3:7)',
        "Unbatched.</failure>",
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
    const root = parseXml(out);
    expect(root.name).toBe("testsuites");
    expect(root.children.map((s) => s.name)).toEqual(["testsuite"]);
    expect(root.children[0]!.children.map((c) => [c.attributes.name, c.children.map((f) => f.attributes.type)])).toEqual([
      ["db/0001.sql", []],
      ["db/0002.sql", ["require-concurrent-index-creation", "unbatched-update"]],
    ]);
  });

  it("escapes markup, quotes and line breaks, and writes control characters XML cannot carry as \\uXXXX", () => {
    expect(xmlText(`a < b && c > "d" 'e'`)).toBe(`a &lt; b &amp;&amp; c &gt; "d" 'e'`);
    expect(xmlAttribute(`a < b & "c" 'd'\r\n\te`)).toBe("a &lt; b &amp; &quot;c&quot; &apos;d&apos;&#13;&#10;&#9;e");
    expect(xmlText("bell\u0007 esc\u001b[31m nul\u0000 ok\ttab")).toBe("bell\\u0007 esc\\u001b[31m nul\\u0000 ok\ttab");
    expect(xmlText("lone \ud800 and \udc00, pair \ud83d\udc18, \uffff")).toBe("lone \\ud800 and \\udc00, pair \ud83d\udc18, \\uffff");

    const nasty = `Table "a&b" <x> ]]> 'q'\u0001\u001b[0m\r\nnext line 🐘`;
    const result = resultFor("/repo/db/<odd> & \"name\".sql", "DROP TABLE x;\n", [{ ruleId: "ban-drop-table", severity: 2, message: nasty, at: "DROP TABLE", help: "help <b>&amp;</b>" }]);
    const root = parseXml(junit([result], context));
    const testcase = root.children[0]!.children[0]!;
    expect(testcase.attributes.name).toBe('db/<odd> & "name".sql');
    const failure = testcase.children[0]!;
    const visible = nasty.replace("\u0001", "\\u0001").replace("\u001b", "\\u001b");
    expect(failure.attributes.message).toBe(`db/<odd> & "name".sql:1:1: ${visible}`);
    expect(failure.text).toContain(visible);
    expect(failure.text).toContain("help <b>&amp;</b>");
  });

  it("(the well-formedness check in this test rejects broken XML)", () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${head}<a b="1 < 2"/>`)).toThrow();
    expect(() => parseXml(`${head}<a>1 & 2</a>`)).toThrow();
    expect(() => parseXml(`${head}<a>esc \u001b</a>`)).toThrow();
    expect(() => parseXml(`${head}<a><b></a></b>`)).toThrow();
    expect(parseXml(`${head}<a b="&quot;&#10;">x &amp; y</a>`)).toEqual({ name: "a", attributes: { b: '"\n' }, children: [], text: "x & y" });
  });

  it("is a suite without failures for a clean run", () => {
    const root = parseXml(junit([resultFor("/repo/a.sql", "SELECT 1;\n", [])], context));
    expect(root.attributes).toEqual({ name: "pgsafe", tests: "1", failures: "0", errors: "0", time: "0" });
    expect(root.children[0]!.children[0]!.children).toEqual([]);
  });

  it("matches the snapshot for fixtures/examples", async () => {
    const results = await lintFiles(["fixtures/examples"], { cwd: ROOT });
    const out = junit(results, { cwd: ROOT, color: false });
    const root = parseXml(out);
    expect(root.children[0]!.children).toHaveLength(results.length);
    expect(root.children[0]!.children.flatMap((c) => c.children)).toHaveLength(results.reduce((n, r) => n + r.messages.length, 0));
    await expect(out).toMatchFileSnapshot("__snapshots__/examples.junit.xml");
  });
});
