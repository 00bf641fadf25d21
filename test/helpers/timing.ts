import { expect } from "vitest";

/** The widest window {@link withinWindow} tries before it gives up. */
const MAX_WINDOW_MS = 60_000;

/**
 * For assertions that hold only while less than some time has passed since a start (an entry whose
 * TTL has not run out, a lease still held, a cached generation still fresh). A busy machine can
 * stretch any fixed margin, so instead of guessing one, `attempt` measures: it gets a window in
 * milliseconds, does its time-bound steps, and returns `false` without asserting when they took
 * the window or longer. The attempt is then repeated with the window doubled (the margin grows
 * from what was measured), so every assertion that runs is one the elapsed time makes certain.
 * Resolves with the window that fit.
 */
export async function withinWindow(
  initialMs: number,
  attempt: (windowMs: number) => Promise<boolean>,
): Promise<number> {
  for (let windowMs = initialMs; windowMs <= MAX_WINDOW_MS; windowMs *= 2) {
    if (await attempt(windowMs)) return windowMs;
  }
  throw new Error(`no attempt fit in a window of up to ${MAX_WINDOW_MS} ms`);
}

/** Milliseconds since it was made, from the monotonic clock. */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => performance.now() - started;
}

/**
 * A gate a test opens itself: code under test awaits `opened` and goes on only when the test calls
 * `open()`, so an ordering the test asserts comes from events, not from how long something sleeps.
 */
export function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Checks a TTL in seconds read back `elapsedMs` after the write that set it was sent: at most `ttl`,
 * and short of it by no more than the time that passed, plus a second for stores that count whole
 * seconds. A fixed margin ("more than 90 of 100") would be a guess at how busy the machine is.
 */
export function expectTtlAfter(actual: unknown, ttl: number, elapsedMs: number): void {
  expect(actual).toBeTypeOf("number");
  expect(actual).toBeLessThanOrEqual(ttl);
  expect(actual).toBeGreaterThanOrEqual(ttl - Math.ceil(elapsedMs / 1000) - 1);
}
