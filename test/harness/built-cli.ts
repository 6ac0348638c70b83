/**
 * The built CLI for end-to-end tests: dist/src/cli/main.js, rebuilt when it is missing or older
 * than the sources (as `npm run build` builds it, including the executable bit of postbuild).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "dist", "src", "cli", "main.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist when it is missing or older than src/ and rules/. */
export function ensureBuilt(): void {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(ROOT, "src")), newestSource(join(ROOT, "rules")))) return;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    // A type error elsewhere still emits JavaScript; only a missing bin is fatal here.
    if (!existsSync(BIN)) throw error;
  }
  // As `npm run build` does (postbuild): `npx pgsafe` runs the bin file itself.
  chmodSync(BIN, 0o755);
}
