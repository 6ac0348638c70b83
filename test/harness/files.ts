/** The `*.sql` files below a folder, sorted (for tests that read the corpus or the fixtures). */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export function sqlFilesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFilesBelow(path));
    else if (entry.name.endsWith(".sql")) out.push(path);
  }
  return out.sort();
}
