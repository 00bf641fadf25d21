import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll } from "vitest";
import type { BreakerEvent, BusEvent, LayoutMismatchEvent } from "../../runtime/index.js";
import { CHANNELS } from "../../runtime/index.js";
import { Recorder } from "./recorder.js";

/** What each diagnostics channel of issue 12 carries. */
interface Events {
  breaker: BreakerEvent;
  bus: BusEvent;
  layoutMismatch: LayoutMismatchEvent;
}

/** Records a diagnostics channel's events for the file's tests; unsubscribed after them. */
export function recordChannel<C extends keyof Events>(name: C): Recorder<Events[C]> {
  const recorder = new Recorder<Events[C]>();
  const listener = (message: unknown) => recorder.push(message as Events[C]);
  subscribe(CHANNELS[name], listener);
  afterAll(() => {
    unsubscribe(CHANNELS[name], listener);
  });
  return recorder;
}
