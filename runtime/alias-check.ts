/**
 * Compile-time messages for misused aliases (kysely's `type-error.ts` idea): the type a wrong alias
 * is compared with is one sentence naming the typo and the nearest or the known aliases, so the
 * error reads the same on every TypeScript version. Type-only: nothing here exists at run time.
 * The sentence is only computed on the error path; a known alias costs one `extends keyof M`.
 */

/** The last member of a union (in the compiler's order, stable within one program). */
type LastOf<U> = (U extends unknown ? (x: () => U) => void : never) extends (x: infer I) => void
  ? I extends () => infer L
    ? L
    : never
  : never;

/** At most `Max["length"]` members of a string union, quoted and joined with `, `, then `…` if any are left. */
type JoinQuoted<U extends string, Max extends unknown[], Done extends string = ""> = [U] extends [never]
  ? Done
  : Max extends [unknown, ...infer Rest]
    ? LastOf<U> extends infer L extends string
      ? JoinQuoted<Exclude<U, L>, Rest, Done extends "" ? `'${L}'` : `'${L}', ${Done}`>
      : Done
    : `${Done}, …`;

type DropLast<S extends string, Kept extends string = ""> = S extends `${infer Head}${infer Tail}`
  ? Tail extends ""
    ? Kept
    : DropLast<Tail, `${Kept}${Head}`>
  : Kept;

/** Whether `S` has at least three characters: shorter prefixes match too much to be a suggestion. */
type LongEnough<S extends string> = S extends `${string}${string}${infer Rest}`
  ? Rest extends ""
    ? false
    : true
  : false;

/** The aliases among `K` that share the longest prefix (three characters or more, case ignored) with `A`. */
type Nearest<A extends string, K extends string, P extends string = Lowercase<A>> =
  LongEnough<P> extends true
    ? (K extends K ? (Lowercase<K> extends `${P}${string}` ? K : never) : never) extends infer Hit extends string
      ? [Hit] extends [never]
        ? Nearest<A, K, DropLast<P>>
        : Hit
      : never
    : never;

/** The sentence a misspelled alias `A` is compared with, given the known aliases `K`. */
export type UnknownAliasMessage<A extends string, K extends string> = [Nearest<A, K>] extends [never]
  ? `Unknown cache alias '${A}'. Known aliases: ${JoinQuoted<K, [1, 1, 1, 1, 1, 1, 1, 1]>}`
  : `Unknown cache alias '${A}'. Did you mean ${JoinQuoted<Nearest<A, K>, [1, 1, 1]>}?`;

/**
 * The type an alias argument `A` must fit, given the aliases of `M`: `A` itself when `M` has it;
 * else the aliases `A` is the start of (so a name cut short is told the full one, and completion
 * while typing offers them); else {@link UnknownAliasMessage}.
 */
export type CheckedAlias<A extends string, M> = A extends keyof M
  ? A
  : Extract<keyof M & string, `${A}${string}`> extends infer Longer extends string
    ? [Longer] extends [never]
      ? UnknownAliasMessage<A, keyof M & string>
      : Longer
    : never;

/**
 * The plugin tuple of an alias configured without plugins: empty, and `plugins[0]` reads as this
 * sentence, so `plugins[0].stats` fails with it rather than with a bare tuple-length error.
 */
export type NoPlugins = readonly [] & {
  readonly 0?: "This alias has no plugins: add them under its plugins in the config, then run cachegen generate";
};
