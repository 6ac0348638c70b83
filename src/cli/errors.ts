/**
 * Errors that are the user's to fix (a bad flag, a missing path, an unreadable file). The CLI
 * prints their message as one line and exits with code 2; the library throws them.
 */
export class PgsafeUsageError extends Error {
  /** The process exit code the CLI uses for it. */
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = "PgsafeUsageError";
  }
}

/** Explains a file-system error code in words, for one-line messages. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a component of the path is not a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    case "ENAMETOOLONG":
      return "the name is too long";
    default:
      return error instanceof Error ? error.message.split("\n")[0]! : String(error);
  }
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to `input`, when it is close enough to be a typo. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(input, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
