/**
 * The built CLI for end-to-end tests: the `pgsafe` bin (dist/cli/main.js, the bundle of
 * dist/src/cli/main.js), rebuilt when it is missing or older than the sources, as `npm run build`
 * builds it: tsc, then the esbuild command of the build script, then the executable bit.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: { pgsafe: string }; scripts: Record<string, string> };
export const BIN = join(ROOT, PACKAGE.bin.pgsafe);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The arguments of the build script's esbuild step (one definition of the bundle: package.json). */
export function bundleArguments(): string[] {
  const step = PACKAGE.scripts.build!.split("&&").map((s) => s.trim()).find((s) => s.startsWith("esbuild "));
  if (!step) throw new Error("package.json's build script has no esbuild step");
  return step.split(/\s+/).slice(1);
}

/** Builds dist when it is missing or older than src/ and rules/. */
export function ensureBuilt(): void {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(ROOT, "src")), newestSource(join(ROOT, "rules")))) return;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    // A type error elsewhere still emits JavaScript; only a missing module is fatal here.
    if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) throw error;
  }
  // Not emptied first (as the prebuild script does): another test file may be running the bin.
  execFileSync(join(ROOT, "node_modules", ".bin", "esbuild"), bundleArguments(), { cwd: ROOT, stdio: "pipe" });
  // As `npm run build` does (postbuild): `npx pgsafe` runs the bin file itself.
  chmodSync(BIN, 0o755);
}

/**
 * Writes, into `dir`, a module that makes a process print `LOADED <url or path>` on stderr for
 * every module it loads: ES modules (through a resolve hook) and CommonJS ones (required, e.g.
 * libpg-query and picocolors). Returns the file to pass to `node --import`.
 */
export function writeModuleTracer(dir: string): string {
  writeFileSync(
    join(dir, "hooks.mjs"),
    'import { writeSync } from "node:fs";\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, `LOADED ${r.url}\\n`); return r; }\n',
  );
  writeFileSync(
    join(dir, "register.mjs"),
    [
      'import { createRequire, register } from "node:module";',
      'import { writeSync } from "node:fs";',
      'register("./hooks.mjs", import.meta.url);',
      'const Module = createRequire(import.meta.url)("node:module");',
      "const load = Module._load;",
      "Module._load = function (request, parent, isMain) {",
      "  writeSync(2, `LOADED ${Module._resolveFilename(request, parent, isMain)}\\n`);",
      "  return load.apply(this, arguments);",
      "};",
      "",
    ].join("\n"),
  );
  return join(dir, "register.mjs");
}
