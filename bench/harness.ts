/**
 * The benchmark method, shared by every bench: each contender runs the same operation with the same
 * concurrency; rounds alternate the contenders' order so drift (GC, CPU boost, a noisy neighbour)
 * hits them all alike; after warm-up rounds, each round yields ops/s per contender and the ratio to
 * the baseline measured in that same round. We report medians and the interquartile spread.
 */

/** One thing being measured. `op` performs a single operation. */
export interface Contender {
  readonly name: string;
  readonly op: (i: number) => unknown;
}

/** One comparison: contenders against `baseline` (a contender name). */
export interface Comparison {
  readonly title: string;
  readonly baseline: string;
  readonly contenders: readonly Contender[];
  /** Operations per contender per round. */
  readonly ops: number;
  /** Operations in flight at once (1 = sequential awaits). @default 1 */
  readonly concurrency?: number;
  /** Measured rounds. @default 15 */
  readonly rounds?: number;
  /** Discarded rounds first. @default 3 */
  readonly warmup?: number;
}

/** A contender's result row. */
export interface Row {
  readonly name: string;
  /** Median ops/s. */
  readonly opsPerSec: number;
  /** Interquartile range of ops/s as a fraction of the median. */
  readonly spread: number;
  /** Median over rounds of (this / baseline in the same round). */
  readonly ratio: number;
}

/** Runs a comparison and returns its rows in contender order. */
export async function compare(comparison: Comparison): Promise<Row[]> {
  const { contenders, ops, concurrency = 1, rounds = 15, warmup = 3 } = comparison;
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const ratios = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    const order = rotate(contenders, round);
    const rate = new Map<string, number>();
    for (const contender of order) rate.set(contender.name, await measure(contender, ops, concurrency));
    if (round < warmup) continue;
    const base = rate.get(comparison.baseline);
    if (base === undefined) throw new Error(`baseline ${comparison.baseline} is not a contender`);
    for (const [name, value] of rate) {
      samples.get(name)!.push(value);
      ratios.get(name)!.push(value / base);
    }
  }
  return contenders.map((c) => {
    const values = samples.get(c.name)!;
    const median = quantile(values, 0.5);
    return {
      name: c.name,
      opsPerSec: median,
      spread: (quantile(values, 0.75) - quantile(values, 0.25)) / median,
      ratio: quantile(ratios.get(c.name)!, 0.5),
    };
  });
}

/** How {@link table} shows a comparison: throughput by default. */
export interface TableStyle {
  /** Replaces the run description after the title (concurrency, ops and rounds). */
  readonly setup?: string;
  /** Show the median time per operation, and ratios of times (lower is faster), instead of ops/s. @default false */
  readonly timePerOp?: boolean;
}

/** What the value column of a table shows, and the ratio to the baseline that goes with it. */
interface Measure {
  readonly column: string;
  value(row: Row): string;
  ratio(row: Row): number;
}

const THROUGHPUT: Measure = {
  column: "ops/s",
  value: (r) => Math.round(r.opsPerSec).toLocaleString("en-US"),
  ratio: (r) => r.ratio,
};

const TIME_PER_OP: Measure = {
  column: "median",
  value: (r) => `${(1000 / r.opsPerSec).toFixed(0)} ms`,
  ratio: (r) => 1 / r.ratio,
};

/** Formats rows as a Markdown table (pasted verbatim into README). */
export function table(comparison: Comparison, rows: readonly Row[], style: TableStyle = {}): string {
  const setup =
    style.setup ??
    `${comparison.concurrency ?? 1} in flight, ${comparison.ops} ops x ${comparison.rounds ?? 15} rounds`;
  const measure = style.timePerOp ? TIME_PER_OP : THROUGHPUT;
  const lines = [
    `**${comparison.title}** (${setup}, medians)`,
    "",
    `| contender | ${measure.column} | spread (IQR) | vs ${comparison.baseline} |`,
    "|---|---:|---:|---:|",
    ...rows.map(
      (r) => `| ${r.name} | ${measure.value(r)} | ±${(r.spread * 50).toFixed(1)}% | ${measure.ratio(r).toFixed(2)}x |`,
    ),
  ];
  return lines.join("\n");
}

/** Runs a comparison and prints its table; returns the rows for target checks. */
export async function report(comparison: Comparison, style?: TableStyle): Promise<Row[]> {
  const rows = await compare(comparison);
  console.log(`${table(comparison, rows, style)}\n`);
  return rows;
}

/** How {@link target} reads a measure: a ratio that must reach the target, by default. */
export interface TargetStyle {
  /** Appended to both numbers, e.g. `" s"`. @default "x" */
  readonly unit?: string;
  /** The target is a ceiling (`<=`) rather than a floor (`>=`). @default false */
  readonly atMost?: boolean;
}

/** Prints whether a measured value meets its target. */
export function target(label: string, actual: number, wanted: number, style: TargetStyle = {}): void {
  const { unit = "x", atMost = false } = style;
  const met = atMost ? actual <= wanted : actual >= wanted;
  console.log(
    `${met ? "PASS" : "MISS"}  ${label}: ${actual.toFixed(2)}${unit} (target ${atMost ? "<=" : ">="} ${wanted}${unit})`,
  );
}

async function measure(contender: Contender, ops: number, concurrency: number): Promise<number> {
  let next = 0;
  const op = contender.op;
  const worker = async () => {
    while (next < ops) await op(next++);
  };
  const start = process.hrtime.bigint();
  if (concurrency === 1) await worker();
  else await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return ops / seconds;
}

/** `items` rotated left by `by`: round `by`'s running order. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The q-quantile (0..1) of the values, interpolated between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
