import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createRequire } from "node:module";
import { MissingDependencyError } from "../errors.js";
import { CHANNELS, type EventListener, type OperationEvent } from "../events.js";

/** The metric and span names cachegen records. */
export const TELEMETRY_NAMES = {
  /** The instrumentation scope (meter and tracer name). */
  scope: "cachegen",
  /** Counter of settled operations. */
  operations: "cachegen.operations",
  /** Histogram of operation durations, in seconds. */
  duration: "cachegen.operation.duration",
} as const;

/** Attribute values as OpenTelemetry takes them. */
type Attributes = Readonly<Record<string, string | number>>;

/** The part of an OpenTelemetry `MeterProvider` cachegen uses (any @opentelemetry/api 1.x provider fits). */
export interface MeterProviderLike {
  getMeter(name: string): {
    createCounter(name: string, options: object): { add(value: number, attributes: Attributes): void };
    createHistogram(name: string, options: object): { record(value: number, attributes: Attributes): void };
  };
}

/** The part of an OpenTelemetry `TracerProvider` cachegen uses. */
export interface TracerProviderLike {
  getTracer(name: string): {
    startSpan(name: string, options: object, context?: unknown): SpanLike;
  };
}

interface SpanLike {
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error): unknown;
  end(endTime?: number): void;
}

/** The parts of `@opentelemetry/api` cachegen uses. */
interface OtelApi {
  readonly metrics: { getMeterProvider(): MeterProviderLike };
  readonly trace: { getTracerProvider(): TracerProviderLike };
  readonly context: { active(): unknown };
}

/** Where and what {@link openTelemetry} records. */
export interface TelemetryOptions {
  /** @default the global one (`metrics.getMeterProvider()` of @opentelemetry/api) */
  readonly meterProvider?: MeterProviderLike;
  /** @default the global one (`trace.getTracerProvider()` of @opentelemetry/api) */
  readonly tracerProvider?: TracerProviderLike;
  /** Record the operation counter and duration histogram. @default true */
  readonly metrics?: boolean;
  /** Record a span per operation. @default true */
  readonly traces?: boolean;
}

/** Client span kind and error status code of the OpenTelemetry API (stable numbers). */
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;
/** Bucket bounds in seconds: from a memory hit (microseconds) to a timeout (seconds). */
const BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

let api: OtelApi | undefined;

/** Loads @opentelemetry/api on first use only; it is an optional peer dependency. */
function otelApi(): OtelApi {
  if (api !== undefined) return api;
  try {
    api = createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
  } catch (cause) {
    throw new MissingDependencyError("@opentelemetry/api", "OpenTelemetry integration (telemetry)", { cause });
  }
  return api;
}

/**
 * A listener that turns operation events into OpenTelemetry metrics (`cachegen.operations`,
 * `cachegen.operation.duration`) and spans (`cachegen <operation>`), with the attributes
 * `cache.alias`, `cache.operation`, `cache.outcome`, `cache.backend` (and `error.type` on errors).
 * Pass it as a cache's `telemetry` option, or let {@link enableTelemetry} feed it every cache's events.
 */
export function openTelemetry(options: TelemetryOptions = {}): EventListener<OperationEvent> {
  const otel = otelApi();
  const recorders: EventListener<OperationEvent>[] = [];
  const attributes = new AttributeSets();
  if (options.metrics ?? true) {
    const meter = (options.meterProvider ?? otel.metrics.getMeterProvider()).getMeter(TELEMETRY_NAMES.scope);
    const counter = meter.createCounter(TELEMETRY_NAMES.operations, {
      unit: "{operation}",
      description: "Cache operations, by alias, operation, outcome and backend.",
    });
    const histogram = meter.createHistogram(TELEMETRY_NAMES.duration, {
      unit: "s",
      description: "How long cache operations took.",
      advice: { explicitBucketBoundaries: BUCKETS },
    });
    recorders.push((event) => {
      const set = attributes.of(event);
      counter.add(1, set);
      histogram.record(event.duration / 1000, set);
    });
  }
  if (options.traces ?? true) {
    const tracer = (options.tracerProvider ?? otel.trace.getTracerProvider()).getTracer(TELEMETRY_NAMES.scope);
    recorders.push((event) => {
      const span = tracer.startSpan(
        `${TELEMETRY_NAMES.scope} ${event.operation}`,
        {
          kind: SPAN_KIND_CLIENT,
          startTime: event.startTime,
          attributes: { ...attributes.of(event), "cache.key_count": event.keyCount },
        },
        otel.context.active(),
      );
      if (event.outcome === "error") {
        if (event.error instanceof Error) span.recordException(event.error);
        span.setStatus({ code: STATUS_ERROR, message: event.errorCode });
      }
      span.end(event.startTime + event.duration);
    });
  }
  return recorders.length === 1 ? recorders[0]! : (event) => recorders.forEach((record) => record(event));
}

/**
 * Records every cache's operations in this process (through the `cachegen:operation` channel),
 * whatever its `telemetry` option. Returns the function that stops it.
 */
export function enableTelemetry(options: TelemetryOptions = {}): () => void {
  const listener = openTelemetry(options);
  const onMessage = (message: unknown) => listener(message as OperationEvent);
  subscribe(CHANNELS.operation, onMessage);
  return () => void unsubscribe(CHANNELS.operation, onMessage);
}

let globalListener: EventListener<OperationEvent> | undefined;

/** A cache's `telemetry` option as a listener: `true` is one shared {@link openTelemetry} on the global providers. */
export function telemetryListener(
  setting: boolean | EventListener<OperationEvent> | undefined,
): EventListener<OperationEvent> | undefined {
  if (setting === true) return (globalListener ??= openTelemetry());
  return typeof setting === "function" ? setting : undefined;
}

/**
 * One frozen attribute object per combination seen, so recording allocates nothing and the SDK
 * is handed the same object for the same series.
 */
class AttributeSets {
  readonly #sets = new Map<string, Attributes>();

  of(event: OperationEvent): Attributes {
    const id = `${event.alias ?? ""}\u0000${event.backend}\u0000${event.operation}\u0000${event.outcome}\u0000${event.errorCode ?? ""}`;
    let set = this.#sets.get(id);
    if (set === undefined) {
      set = Object.freeze({
        "cache.alias": event.alias ?? "",
        "cache.backend": event.backend,
        "cache.operation": event.operation,
        "cache.outcome": event.outcome,
        ...(event.errorCode === undefined ? {} : { "error.type": event.errorCode }),
      });
      this.#sets.set(id, set);
    }
    return set;
  }
}
