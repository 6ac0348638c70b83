/**
 * Heap settings for the lint command (docs/performance.md, "Memory"). A run allocates many
 * short-lived objects per file and keeps little across files (the report is written as results
 * come), but V8's defaults size the heap for throughput: its young generation grows to two 16 MB
 * semi-spaces, and the old generation may grow to several times what survived the last full
 * collection before the next one. Over thousands of files that is 60 to 100 MB of garbage on top
 * of what is alive. Measured on the corpus, semi-spaces of 8 MB and an old generation that grows by
 * half take the peak from about 180 MB to about 130 MB for about 2% more time.
 *
 * `--heap-growing-percent` is read when the collector runs, so it can be set while the process
 * runs; the semi-space size cannot, but the young generation grows by `--semi-space-growth-factor`
 * at a scavenge, which is read then too. So the young generation is held while the linter's
 * modules load, and the function returned (called between files) lets it grow until it reaches
 * the target and then stops it there. Only the CLI sets these; the library leaves the process's V8
 * flags alone.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const MB = 2 ** 20;
/** The young generation grows (doubling) while a semi-space holds less than this, so it stops at 8 MB. */
const GROW_BELOW = 6 * MB;

/** Sets the old generation's growth; returns the function that steers the young generation to its target. */
export function limitHeap(): () => void {
  setFlagsFromString("--heap-growing-percent=50");
  // Held where it is while the linter's modules load (their growth would not stop at the target);
  // the first files let it grow.
  setFlagsFromString("--semi-space-growth-factor=1");
  let factor = 1;
  return (): void => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
    if (!young) return;
    // Used plus available: the capacity of one semi-space.
    const wanted = young.space_used_size + young.space_available_size < GROW_BELOW ? 2 : 1;
    if (wanted === factor) return;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
    factor = wanted;
  };
}
