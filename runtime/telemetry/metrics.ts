import type { OperationEvent } from "../events.js";

/** The metric names cachegen records. */
export const METRIC_NAMES = {
  /** The instrumentation scope. */
  scope: "cachegen",
  /** Counter of settled operations. */
  operations: "cachegen.operations",
  /** Histogram of operation durations, in seconds. */
  duration: "cachegen.operation.duration",
} as const;

/** Histogram bucket bounds in seconds: from a memory hit (microseconds) to a timeout (seconds). */
const BOUNDARIES = [
  0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** OpenTelemetry's numbers for what the data points are (sdk-metrics' stable enums). */
const SUM = 3;
const HISTOGRAM = 0;
const CUMULATIVE = 1;
const INT = 0;
const DOUBLE = 1;

type Attributes = Readonly<Record<string, string>>;
type HrTime = [seconds: number, nanoseconds: number];

/** One combination of attributes: its operations' count and duration histogram. */
interface Series {
  readonly attributes: Attributes;
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly buckets: number[];
}

/**
 * Operation metrics aggregated in process, a few additions per operation, and handed to an
 * OpenTelemetry SDK metric reader as its `MetricProducer` (cumulative data points): recording each
 * operation through an SDK instrument costs about as much as a Redis GET through the pipeline.
 */
export class OperationMetrics {
  /** alias → backend → operation → outcome (with the error code) → series. */
  readonly #series = new Map<string, Map<string, Map<string, Map<string, Series>>>>();
  readonly #all: Series[] = [];
  /** The series of the last event, which the next one usually shares (same cache, same operation). */
  #last: { readonly event: OperationEvent; readonly series: Series } | undefined;
  #start: HrTime = hrTime(Date.now());

  /** Counts one operation. */
  record(event: OperationEvent): void {
    const series = this.#of(event);
    const seconds = event.duration / 1000;
    series.count++;
    series.sum += seconds;
    if (seconds < series.min) series.min = seconds;
    if (seconds > series.max) series.max = seconds;
    let bucket = 0;
    while (bucket < BOUNDARIES.length && seconds > BOUNDARIES[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }

  /** Forgets everything counted so far (a new cumulative start). */
  reset(): void {
    this.#series.clear();
    this.#all.length = 0;
    this.#last = undefined;
    this.#start = hrTime(Date.now());
  }

  /**
   * The SDK's `MetricProducer.collect`: every series as cumulative counter and histogram points.
   * Its result is the SDK's `CollectionResult`, typed `any` so that cachegen's declarations need no
   * SDK types and every sdk-metrics version's reader takes it.
   */
  collect(): Promise<any> {
    const startTime = this.#start;
    const endTime = hrTime(Date.now());
    const series = this.#all;
    const point = <T>(s: Series, value: T) => ({ startTime, endTime, attributes: s.attributes, value });
    const metrics = [
      {
        descriptor: {
          name: METRIC_NAMES.operations,
          description: "Cache operations, by alias, operation, outcome and backend.",
          unit: "{operation}",
          valueType: INT,
        },
        aggregationTemporality: CUMULATIVE,
        dataPointType: SUM,
        isMonotonic: true,
        dataPoints: series.map((s) => point(s, s.count)),
      },
      {
        descriptor: {
          name: METRIC_NAMES.duration,
          description: "How long cache operations took.",
          unit: "s",
          valueType: DOUBLE,
        },
        aggregationTemporality: CUMULATIVE,
        dataPointType: HISTOGRAM,
        dataPoints: series.map((s) =>
          point(s, {
            buckets: { boundaries: BOUNDARIES, counts: [...s.buckets] },
            sum: s.sum,
            count: s.count,
            min: s.min,
            max: s.max,
          }),
        ),
      },
    ];
    return Promise.resolve({
      // A reader keeps its own SDK's resource and takes only the scope metrics of a producer.
      resourceMetrics: { resource: {}, scopeMetrics: [{ scope: { name: METRIC_NAMES.scope }, metrics }] },
      errors: [],
    });
  }

  /**
   * The event's series: one frozen attribute object per combination seen, so recording allocates
   * nothing: the last event's series when it is the same, else looked up field by field (alias,
   * backend, operation, outcome), cheaper than building one key string per operation.
   */
  #of(event: OperationEvent): Series {
    const last = this.#last;
    if (
      last !== undefined &&
      last.event.operation === event.operation &&
      last.event.outcome === event.outcome &&
      last.event.errorCode === event.errorCode &&
      last.event.alias === event.alias &&
      last.event.backend === event.backend
    ) {
      return last.series;
    }
    const series = this.#find(event);
    this.#last = { event, series };
    return series;
  }

  #find(event: OperationEvent): Series {
    const outcome = event.errorCode === undefined ? event.outcome : `${event.outcome}:${event.errorCode}`;
    const byOutcome = nested(nested(nested(this.#series, event.alias ?? ""), event.backend), event.operation);
    let series = byOutcome.get(outcome);
    if (series === undefined) {
      series = {
        attributes: eventAttributes(event),
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        buckets: new Array<number>(BOUNDARIES.length + 1).fill(0),
      };
      byOutcome.set(outcome, series);
      this.#all.push(series);
    }
    return series;
  }
}

/** The map under `key`, made on first use. */
function nested<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let child = map.get(key);
  if (child === undefined) {
    child = new Map();
    map.set(key, child);
  }
  return child;
}

/** The attributes of an event's metrics and span: `cache.alias`, `cache.backend`, `cache.operation`, `cache.outcome` (and `error.type`). */
export function eventAttributes(event: OperationEvent): Attributes {
  return Object.freeze({
    "cache.alias": event.alias ?? "",
    "cache.backend": event.backend,
    "cache.operation": event.operation,
    "cache.outcome": event.outcome,
    ...(event.errorCode === undefined ? {} : { "error.type": event.errorCode }),
  });
}

function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

/**
 * cachegen's operation metrics for an OpenTelemetry SDK metric reader: pass it as one of the
 * reader's `metricProducers` (`new PeriodicExportingMetricReader({ exporter, metricProducers:
 * [cachegenMetrics] })`). Caches with telemetry on count into it.
 */
export const cachegenMetrics = new OperationMetrics();
