/**
 * sqitch's plan file, sqitch.plan: the order in which `sqitch deploy` applies changes, which is not
 * the order of the script names. Change names may contain `/` (scripts in subdirectories).
 *
 *   %syntax-version=1.0.0
 *   %project=flipr
 *   appschema 2024-01-10T10:00:00Z Ann <ann@example.com> # Add schema
 *   users [appschema] 2024-01-11T10:00:00Z Ann <ann@example.com> # Add users
 *   @v1.0 2024-01-12T10:00:00Z Ann <ann@example.com> # Tag v1.0
 *   users [users@v1.0] 2024-02-01T10:00:00Z Ann <ann@example.com> # Rework users
 *
 * A reworked change appears twice or more; the scripts of each earlier version are kept as
 * `deploy/<change>@<tag>.sql`, named after the first tag that follows that version in the plan, and
 * the latest version is `deploy/<change>.sql`.
 * https://sqitch.org/docs/manual/sqitchchanges/ and https://sqitch.org/docs/manual/sqitch-rework/
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** The script names (`<change>` or `<change>@<tag>`, without `.sql`) in deploy order. */
export function parseSqitchPlan(text: string): string[] {
  const entries: ({ kind: "change"; name: string } | { kind: "tag"; name: string })[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("%")) continue;
    const token = line.split(/\s+/, 1)[0]!;
    if (token.startsWith("@")) entries.push({ kind: "tag", name: token.slice(1) });
    else if (!token.startsWith("-")) entries.push({ kind: "change", name: token.replace(/^\+/, "").replace(/\[.*$/, "") });
  }
  const stems: string[] = [];
  entries.forEach((entry, i) => {
    if (entry.kind !== "change") return;
    const reworkedLater = entries.slice(i + 1).some((e) => e.kind === "change" && e.name === entry.name);
    const tag = reworkedLater ? entries.slice(i + 1).find((e) => e.kind === "tag") : undefined;
    stems.push(tag ? `${entry.name}@${tag.name}` : entry.name);
  });
  return stems;
}

const SCRIPT_DIRS = new Set(["deploy", "revert", "verify"]);
const SCRIPT_DIR_IN_PATH = /[\\/](?:deploy|revert|verify)[\\/]/;

export interface SqitchScript {
  /** The project's top directory (where sqitch.plan and deploy/ are). */
  top: string;
  kind: "deploy" | "revert" | "verify";
  /** `<change>` or `<change>@<tag>`, with `/` between directories. */
  stem: string;
}

/** Where a script sits in a sqitch project: the nearest deploy/, revert/ or verify/ directory above it. */
export function sqitchScript(path: string): SqitchScript | undefined {
  // Most files are in no such directory. Resolving an absolute path only drops segments, so a
  // path that names none of them needs no resolving.
  if (isAbsolute(path) && !SCRIPT_DIR_IN_PATH.test(path)) return undefined;
  const parts = resolve(path).split(/[\\/]/);
  const file = parts.at(-1) ?? "";
  if (!/\.sql$/i.test(file)) return undefined;
  for (let i = parts.length - 2; i >= 1; i--) {
    const segment = parts[i]!;
    if (!SCRIPT_DIRS.has(segment)) continue;
    const top = parts.slice(0, i).join("/") || "/";
    const stem = [...parts.slice(i + 1, -1), file.replace(/\.sql$/i, "")].join("/");
    return { top, kind: segment as SqitchScript["kind"], stem };
  }
  return undefined;
}

/** The plan next to a sqitch project's script directories, if there is one. */
export function sqitchPlanPath(top: string): string | undefined {
  const plan = join(top, "sqitch.plan");
  return existsSync(plan) ? plan : undefined;
}

/**
 * Reorders the scripts of every sqitch project that has a sqitch.plan: deploy/ and verify/ scripts
 * in plan order, revert/ scripts in reverse plan order (the order `sqitch revert` runs them). Each
 * project's scripts keep the places they had in `files`; scripts the plan does not name follow the
 * planned ones, in their previous order. Other files do not move.
 */
export function orderSqitchChanges(files: readonly string[]): string[] {
  const plans = new Map<string, Map<string, number> | undefined>();
  const groups = new Map<string, { positions: number[]; kind: SqitchScript["kind"]; ranks: Map<string, number>; items: { file: string; stem: string }[] }>();
  files.forEach((file, position) => {
    const script = sqitchScript(file);
    if (!script) return;
    if (!plans.has(script.top)) {
      const planPath = sqitchPlanPath(script.top);
      let ranks: Map<string, number> | undefined;
      if (planPath) {
        try {
          ranks = new Map(parseSqitchPlan(readFileSync(planPath, "utf8")).map((stem, i) => [stem, i]));
        } catch {
          ranks = undefined;
        }
      }
      plans.set(script.top, ranks);
    }
    const ranks = plans.get(script.top);
    if (!ranks) return;
    const key = `${script.top}\u0000${script.kind}`;
    const group = groups.get(key) ?? { positions: [], kind: script.kind, ranks, items: [] };
    group.positions.push(position);
    group.items.push({ file, stem: script.stem });
    groups.set(key, group);
  });
  if (groups.size === 0) return [...files];
  const out = [...files];
  for (const group of groups.values()) {
    const planned = group.items.filter((item) => group.ranks.has(item.stem));
    const unplanned = group.items.filter((item) => !group.ranks.has(item.stem));
    const direction = group.kind === "revert" ? -1 : 1;
    planned.sort((a, b) => direction * (group.ranks.get(a.stem)! - group.ranks.get(b.stem)!));
    [...planned, ...unplanned].forEach((item, i) => (out[group.positions[i]!] = item.file));
  }
  return out;
}

