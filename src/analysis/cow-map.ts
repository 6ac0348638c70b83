/**
 * A string-keyed map of mutable values that forks in constant time, for the schema trackers.
 *
 * A fork reads through to the map it was forked from and keeps its own changes: a value is copied
 * (with the map's `copy` function) the first time the fork edits it, a deletion is remembered as a
 * tombstone. The trackers use it twice: a rule's tracker for one file is a fork of the schema
 * model's (so seeding it from a run of many files costs nothing), and BEGIN forks the state so that
 * ROLLBACK can drop the fork and COMMIT can fold it back (`absorb`).
 *
 * A map must not change while a fork of it is in use; the schema model only advances between
 * files, when the forks handed out for the previous file are no longer used.
 */
const GONE: unique symbol = Symbol("gone");

export class CowMap<V> {
  readonly #parent: CowMap<V> | undefined;
  readonly #copy: (value: V) => V;
  readonly #own = new Map<string, V | typeof GONE>();

  constructor(copy: (value: V) => V, parent?: CowMap<V>) {
    this.#copy = copy;
    this.#parent = parent;
  }

  /** The value, for reading only (it may belong to the map this one was forked from). */
  get(key: string): V | undefined {
    const own = this.#own.get(key);
    if (own === GONE) return undefined;
    return own ?? this.#parent?.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The value, to change in place: copied into this map first when it was inherited. */
  edit(key: string): V | undefined {
    const own = this.#own.get(key);
    if (own === GONE) return undefined;
    if (own !== undefined) return own;
    const inherited = this.#parent?.get(key);
    if (inherited === undefined) return undefined;
    const copy = this.#copy(inherited);
    this.#own.set(key, copy);
    return copy;
  }

  set(key: string, value: V): void {
    this.#own.set(key, value);
  }

  delete(key: string): void {
    if (this.#parent?.has(key)) this.#own.set(key, GONE);
    else this.#own.delete(key);
  }

  /** A map that starts with this one's entries; changes to it do not touch this one. */
  fork(): CowMap<V> {
    return new CowMap(this.#copy, this);
  }

  /** Applies the changes of `fork` (a direct fork of this map) to this map. */
  absorb(fork: CowMap<V>): void {
    if (fork.#parent !== this) throw new Error("CowMap.absorb: not a fork of this map");
    for (const [key, value] of fork.#own) {
      if (value === GONE) this.delete(key);
      else this.#own.set(key, value);
    }
  }

  /** Every live entry (this map's own first, then inherited ones it does not shadow). */
  *entries(): IterableIterator<[string, V]> {
    const seen = new Set<string>();
    const chain: CowMap<V>[] = [];
    for (let map = this.#parent; map; map = map.#parent) chain.push(map);
    for (const map of [this as CowMap<V>, ...chain]) {
      for (const [key, value] of map.#own) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (value !== GONE) yield [key, value];
      }
    }
  }
}
