/**
 * Migration chains: the files of one migration folder, in the order they run. The known schema
 * (src/analysis/schema.ts) is replayed along a chain, never across chains: two services in one
 * repository each have their own database, and their `users` tables are not the same table.
 * Chains are also what runs in parallel (src/engine/pool.ts): nothing flows between them.
 */
import { basename, dirname } from "node:path";

/**
 * The folder that holds a file's migration sequence: the file's folder, or, when that folder is
 * one migration of a sequence (a name starting with a digit: Prisma's `20240101_init/migration.sql`,
 * Diesel's `2024-01-01-000000_init/up.sql`, a `2024/` year folder), the folder above it.
 */
export function chainKey(file: string): string {
  let dir = dirname(file);
  while (/^\d/.test(basename(dir)) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export interface Chain {
  key: string;
  /** Positions in the run's file list, ascending (the order the files run in). */
  indices: number[];
}

/** The chains of a run's files (given in migration order), in order of their first file. */
export function migrationChains(files: readonly string[]): Chain[] {
  const byKey = new Map<string, Chain>();
  files.forEach((file, index) => {
    const key = chainKey(file);
    let chain = byKey.get(key);
    if (!chain) {
      chain = { key, indices: [] };
      byKey.set(key, chain);
    }
    chain.indices.push(index);
  });
  return [...byKey.values()];
}
