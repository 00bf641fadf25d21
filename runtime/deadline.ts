/** Told how a piece of work ended, without a promise of its own (an operation's event). */
export interface Reporter {
  report(result: unknown, error: unknown, failed: boolean): void;
}

/**
 * Settles with `work`, or rejects with `onTimeout()` after `ms`. Once the deadline has passed, a
 * late result or error of `work` is dropped: it can resolve nothing and is never unhandled.
 * `outcome`, when given, hears how it ended (the timeout included, a late answer never) before the
 * caller does.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error, outcome?: Reporter): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = onTimeout();
      outcome?.report(undefined, error, true);
      reject(error);
    }, ms);
    timer.unref();
    work.then(
      (value) => {
        if (timedOut) return;
        clearTimeout(timer);
        outcome?.report(value, undefined, false);
        resolve(value);
      },
      (error: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        outcome?.report(undefined, error, true);
        reject(error);
      },
    );
  });
}
