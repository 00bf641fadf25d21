import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { CHANNELS, type EventListener, type OperationEvent } from "../events.js";
import { requireOptional } from "../optional-require.js";
import { cachegenMetrics, eventAttributes, METRIC_NAMES } from "./metrics.js";

/** The part of an OpenTelemetry `TracerProvider` cachegen uses (any @opentelemetry/api 1.x provider fits). */
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
  readonly trace: { getTracerProvider(): TracerProviderLike };
  readonly context: { active(): unknown };
}

/** What {@link openTelemetry} records. */
export interface TelemetryOptions {
  /** Count operations and their durations into {@link cachegenMetrics}. @default true */
  readonly metrics?: boolean;
  /** Record a span per operation. @default true */
  readonly traces?: boolean;
  /** @default the global one (`trace.getTracerProvider()` of @opentelemetry/api) */
  readonly tracerProvider?: TracerProviderLike;
}

/** Client span kind and error status code of the OpenTelemetry API (stable numbers). */
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

let api: OtelApi | undefined;

/** Loads @opentelemetry/api on first use only; it is an optional peer dependency. */
function otelApi(): OtelApi {
  api ??= requireOptional("@opentelemetry/api", "OpenTelemetry integration (telemetry)") as OtelApi;
  return api;
}

/**
 * A listener that turns operation events into OpenTelemetry metrics (`cachegen.operations`,
 * `cachegen.operation.duration`, served to SDK readers by {@link cachegenMetrics}) and spans
 * (`cachegen <operation>`), with the attributes `cache.alias`, `cache.operation`, `cache.outcome`,
 * `cache.backend` (and `error.type` on errors). Pass it as a cache's `telemetry` option, or let
 * {@link enableTelemetry} feed it every cache's events.
 */
export function openTelemetry(options: TelemetryOptions = {}): EventListener<OperationEvent> {
  const recorders: EventListener<OperationEvent>[] = [];
  if (options.metrics ?? true) recorders.push((event) => cachegenMetrics.record(event));
  if (options.traces ?? true) {
    const otel = otelApi();
    const tracer = (options.tracerProvider ?? otel.trace.getTracerProvider()).getTracer(METRIC_NAMES.scope);
    recorders.push((event) => {
      const span = tracer.startSpan(
        `${METRIC_NAMES.scope} ${event.operation}`,
        {
          kind: SPAN_KIND_CLIENT,
          startTime: event.startTime,
          attributes: { ...eventAttributes(event), "cache.key_count": event.keyCount },
        },
        otel.context.active(),
      );
      // A bad stored value read as a miss is recorded on the span, which still succeeded.
      if (event.error instanceof Error) span.recordException(event.error);
      if (event.outcome === "error") span.setStatus({ code: STATUS_ERROR, message: event.errorCode });
      span.end(event.startTime + event.duration);
    });
  }
  const [only] = recorders;
  return recorders.length === 1 && only !== undefined ? only : (event) => recorders.forEach((record) => record(event));
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

/** A cache's `telemetry` option as a listener: `true` is one shared {@link openTelemetry} on the global tracer provider. */
export function telemetryListener(
  setting: boolean | EventListener<OperationEvent> | undefined,
): EventListener<OperationEvent> | undefined {
  if (setting === true) return (globalListener ??= openTelemetry());
  return typeof setting === "function" ? setting : undefined;
}
