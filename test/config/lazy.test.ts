/**
 * Linting without a config file never loads ajv: the CLI runs in a child process with a module
 * hook that prints every module it loads.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeProject, removeTree } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

let traceDir: string;
let project: string;
beforeAll(() => {
  traceDir = mkdtempSync(join(tmpdir(), "pgsafe-trace-"));
  writeFileSync(
    join(traceDir, "hooks.mjs"),
    'import { writeSync } from "node:fs";\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, `LOADED ${r.url}\\n`); return r; }\n',
  );
  writeFileSync(join(traceDir, "register.mjs"), 'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n');
  project = makeProject({ "db/0001.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n" });
});
afterAll(() => {
  rmSync(traceDir, { recursive: true, force: true });
  removeTree(project);
});

function pgsafe(args: string[]): { code: number | null; loaded: string } {
  const tsx = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, "--import", join(traceDir, "register.mjs"), MAIN, ...args], {
    cwd: project,
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8",
  });
  return { code: r.status, loaded: r.stderr };
}

it("no config file: ajv is not loaded", () => {
  const r = pgsafe(["db", "--format", "json"]);
  expect(r.code).toBe(0);
  expect(r.loaded).toContain("/src/config/load.ts");
  expect(r.loaded).not.toMatch(/\/node_modules\/ajv\/|\/src\/config\/validate\.ts/);
});

it("with a config file: ajv validates it", () => {
  writeFileSync(join(project, "pgsafe.config.json"), JSON.stringify({ pgVersion: 16 }));
  try {
    const r = pgsafe(["db", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.loaded).toMatch(/\/node_modules\/ajv\//);
  } finally {
    rmSync(join(project, "pgsafe.config.json"));
  }
});
