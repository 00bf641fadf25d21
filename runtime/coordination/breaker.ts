import { BackendError, CacheTimeoutError } from "../errors.js";

/** closed: calls use the store; open: they skip it; half-open: they still skip it while one probe runs. */
export type BreakerState = "closed" | "open" | "half-open";

/** Options of {@link CircuitBreaker}. */
export interface BreakerOptions {
  /** How long the store is skipped after it fails, in ms, before one probe checks it again. */
  readonly breakMs: number;
  /**
   * Checks that the store answers again (a PING, the store's cheapest operation). It must settle on
   * its own, within the store's timeout: the breaker stays half-open until it does. Like calls, it
   * fails only with an availability error; any other rejection means the store answered.
   */
  readonly probe: () => Promise<unknown>;
  /** Called on every change of state. */
  readonly onStateChange?: ((state: BreakerState, previous: BreakerState) => void) | undefined;
  /** The clock, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/**
 * True for the errors that say a store is unavailable: it failed (`BackendError`) or did not answer
 * in time (`CacheTimeoutError`). A bad value, key or argument says nothing about the store's health.
 */
export function isAvailabilityError(error: unknown): boolean {
  return error instanceof BackendError || error instanceof CacheTimeoutError;
}

/**
 * Skips a remote store that is known to be down, so no call pays its timeout. The first
 * availability failure opens the breaker; after `breakMs` it turns half-open and runs ONE probe in
 * the background while calls keep skipping the store; the probe's success closes it, its failure
 * opens it for another `breakMs`. Calls never wait on the probe. The clock is read lazily: there
 * are no timers.
 */
export class CircuitBreaker {
  #state: BreakerState = "closed";
  #openUntil = 0;
  readonly #options: BreakerOptions;
  readonly #now: () => number;

  constructor(options: BreakerOptions) {
    if (!(options.breakMs > 0)) throw new RangeError(`breakMs must be above 0, got ${options.breakMs}`);
    this.#options = options;
    this.#now = options.now ?? (() => Date.now());
  }

  /** The state as of the last call; {@link allows} moves an expired open breaker to half-open. */
  get state(): BreakerState {
    return this.#state;
  }

  /**
   * True when a call may use the store. Once the break is over it turns half-open, starts the
   * probe and still answers false: only the probe's success lets calls through again.
   */
  allows(): boolean {
    if (this.#state === "closed") return true;
    if (this.#state === "open" && this.#now() >= this.#openUntil) this.#probe();
    return false;
  }

  /**
   * Reports a call's failure. An availability error opens a closed breaker; anything else, and
   * failures of calls that started before the breaker opened, change nothing.
   */
  failure(error: unknown): void {
    if (this.#state === "closed" && isAvailabilityError(error)) this.#open();
  }

  #probe(): void {
    this.#set("half-open");
    Promise.resolve()
      .then(() => this.#options.probe())
      .then(
        () => {
          this.#set("closed");
        },
        (error: unknown) => {
          if (isAvailabilityError(error)) this.#open();
          else this.#set("closed");
        },
      );
  }

  #open(): void {
    this.#openUntil = this.#now() + this.#options.breakMs;
    this.#set("open");
  }

  #set(state: BreakerState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#options.onStateChange?.(state, previous);
  }
}
