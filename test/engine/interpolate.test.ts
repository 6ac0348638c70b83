/** Rule messages' `{{ key }}` placeholders (src/engine/interpolate.ts). */
import { describe, expect, it } from "vitest";
import { interpolate } from "../../src/engine/interpolate.js";

describe("interpolate", () => {
  it("fills every placeholder, spaces inside the braces allowed, and keeps an unknown one as written", () => {
    expect(interpolate('Column "{{column}}" of "{{ table }}" takes {{lock}}; {{ missing }}.', { column: "id", table: "users", lock: "ACCESS EXCLUSIVE" })).toBe(
      'Column "id" of "users" takes ACCESS EXCLUSIVE; {{ missing }}.',
    );
  });

  it("the same template with other data (templates are cut once and reused)", () => {
    const template = "{{a}}-{{b}}";
    expect(interpolate(template, { a: 1, b: 2 })).toBe("1-2");
    expect(interpolate(template, { a: "x", b: "y" })).toBe("x-y");
    expect(interpolate(template, null)).toBe(template);
  });

  it("values are inserted as they are: no second expansion, no $ patterns", () => {
    expect(interpolate("{{a}} {{b}}", { a: "{{b}}", b: "$& $1" })).toBe("{{b}} $& $1");
  });

  it("a template without placeholders, and placeholders at both ends", () => {
    expect(interpolate("plain", { a: 1 })).toBe("plain");
    expect(interpolate("{{a}}{{b}}", { a: "<", b: ">" })).toBe("<>");
  });
});
