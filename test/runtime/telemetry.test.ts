import { trace } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type SumMetricData,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { afterEach, describe, expect, it } from "vitest";
import {
  cachegenMetrics,
  CacheRegistry,
  enableTelemetry,
  JsonSerializer,
  MemoryCache,
  METRIC_NAMES,
  openTelemetry,
} from "../../runtime/index.js";
import { freePort } from "../helpers/servers.js";

/** An SDK pipeline that keeps everything in memory. */
function sdk() {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 60_000,
    metricProducers: [cachegenMetrics],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  return {
    meterProvider,
    tracerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    /** The counter's and the histogram's data points after a collection. */
    async collect() {
      await reader.forceFlush();
      const scope = metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.find((s) => s.scope.name === "cachegen");
      const find = (name: string) => scope?.metrics.find((m) => m.descriptor.name === name);
      return {
        counter: find(METRIC_NAMES.operations) as SumMetricData | undefined,
        histogram: find(METRIC_NAMES.duration) as HistogramMetricData | undefined,
      };
    },
    shutdown: () => Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]),
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  cachegenMetrics.reset();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("OpenTelemetry", () => {
  it("records an operation counter and a duration histogram with alias, operation, outcome and backend", async () => {
    const otel = sdk();
    cleanups.push(otel.shutdown);
    const cache = new MemoryCache({ alias: "users", telemetry: openTelemetry({ traces: false }) });
    await cache.set("a", 1);
    await cache.get("a");
    await cache.get("a");
    await cache.get("missing");
    const { counter, histogram } = await otel.collect();
    expect(counter?.descriptor).toMatchObject({ unit: "{operation}" });
    expect(histogram?.descriptor).toMatchObject({ unit: "s" });
    expect(histogram?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const counts = counter!.dataPoints.map((p) => [
      p.attributes["cache.operation"],
      p.attributes["cache.outcome"],
      p.value,
    ]);
    expect(counts.sort()).toEqual([
      ["get", "hit", 2],
      ["get", "miss", 1],
      ["set", "ok", 1],
    ]);
    for (const point of counter!.dataPoints) {
      expect(point.attributes).toMatchObject({ "cache.alias": "users", "cache.backend": "memory" });
    }
    const hits = histogram!.dataPoints.find((p) => p.attributes["cache.outcome"] === "hit")!;
    expect(hits.value.count).toBe(2);
    expect(hits.value.buckets.counts.reduce((a, b) => a + b)).toBe(2);
    expect(hits.value.min).toBeLessThanOrEqual(hits.value.max!);
    expect(hits.value.sum).toBeGreaterThanOrEqual(0);
  });

  it("records a span per operation, an error span with its code, timed by the event", async () => {
    const otel = sdk();
    cleanups.push(otel.shutdown);
    const cache = new MemoryCache({
      alias: "counters",
      serializer: new JsonSerializer(),
      telemetry: openTelemetry({ tracerProvider: otel.tracerProvider }),
    });
    await cache.set("text", "x");
    await expect(cache.increment("text")).rejects.toMatchObject({ code: "E_NOT_INTEGER" });
    const [set, increment] = otel.spans();
    expect(set?.name).toBe("cachegen set");
    expect(set?.attributes).toMatchObject({
      "cache.alias": "counters",
      "cache.operation": "set",
      "cache.outcome": "ok",
      "cache.backend": "memory",
      "cache.key_count": 1,
    });
    expect(increment?.name).toBe("cachegen increment");
    expect(increment?.attributes).toMatchObject({ "cache.outcome": "error", "error.type": "E_NOT_INTEGER" });
    expect(increment?.status).toMatchObject({ code: 2, message: "E_NOT_INTEGER" });
    expect(increment?.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it('is switched on by "telemetry": true, at the top of a config or per alias, with the global tracer', async () => {
    const otel = sdk();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    cleanups.push(otel.shutdown, () => trace.disable());
    const registry = new CacheRegistry({
      telemetry: true,
      watched: { cache: "memory" },
      quiet: { cache: "memory", telemetry: false },
    });
    await registry.get("watched").set("k", 1);
    await registry.get("quiet").set("k", 1);
    const alone = new CacheRegistry({ own: { cache: "memory", telemetry: true }, other: { cache: "memory" } });
    await alone.get("own").get("k");
    await alone.get("other").get("k");
    const { counter } = await otel.collect();
    expect(counter!.dataPoints.map((p) => p.attributes["cache.alias"]).sort()).toEqual(["own", "watched"]);
    expect(otel.spans().map((s) => s.attributes["cache.alias"])).toEqual(["watched", "own"]);
  });

  it("enableTelemetry() records every cache in the process until it is stopped", async () => {
    const otel = sdk();
    cleanups.push(otel.shutdown);
    const stop = enableTelemetry({ traces: false });
    const cache = new MemoryCache({ alias: "any" });
    await cache.set("k", 1);
    stop();
    await cache.set("k", 2);
    const { counter } = await otel.collect();
    expect(counter!.dataPoints.map((p) => [p.attributes["cache.alias"], p.value])).toEqual([["any", 1]]);
    expect(otel.spans()).toEqual([]);
  });

  it("serves Prometheus through the SDK's exporter, as the README shows", async () => {
    const port = await freePort();
    const exporter = new PrometheusExporter({ host: "127.0.0.1", port, metricProducers: [cachegenMetrics] });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    cleanups.push(() => meterProvider.shutdown());
    await exporter.startServer();
    const cache = new MemoryCache({ alias: "users", telemetry: openTelemetry({ traces: false }) });
    await cache.set("k", 1);
    await cache.get("k");
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(
      /^cachegen_operations_total\{cache_alias="users",cache_backend="memory",cache_operation="get",cache_outcome="hit"(,otel_scope_name="cachegen")?\} 1$/m,
    );
    expect(text).toMatch(/^cachegen_operation_duration_bucket\{cache_alias="users",.*le="0\.001"\} 1$/m);
    expect(text).toMatch(/^cachegen_operation_duration_count\{.*cache_operation="set".*\} 1$/m);
  });
});
