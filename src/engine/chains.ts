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

/**
 * Splits chains into `lanes` groups of about the same cost (the longest-first greedy rule), each
 * lane's chains in run order. `cost` is a chain's weight, e.g. its bytes.
 */
export function assignLanes(chains: readonly Chain[], lanes: number, cost: (chain: Chain) => number): Chain[][] {
  const out: Chain[][] = Array.from({ length: lanes }, () => []);
  const load = new Array<number>(lanes).fill(0);
  const weighted = chains.map((chain, order) => ({ chain, order, weight: cost(chain) })).sort((a, b) => b.weight - a.weight || a.order - b.order);
  const orderOf = new Map(weighted.map((w) => [w.chain, w.order]));
  for (const { chain, weight } of weighted) {
    let lane = 0;
    for (let i = 1; i < lanes; i++) if (load[i]! < load[lane]!) lane = i;
    out[lane]!.push(chain);
    load[lane]! += weight;
  }
  for (const lane of out) lane.sort((a, b) => orderOf.get(a)! - orderOf.get(b)!);
  return out;
}
