// Beyond this many line pairs the changed middle is shown as one replaced block instead of an
// exact line diff, which keeps memory bounded on a rewrite of a huge file.
const MAX_CELLS = 4_000_000;

type Op = { readonly kind: " " | "-" | "+"; readonly line: string };

/** A unified diff (`--- a`, `+++ b`, `@@` hunks with `context` lines around each change); "" when equal. */
export function unifiedDiff(before: string, after: string, labels: readonly [string, string], context = 3): string {
  if (before === after) return "";
  const a = lines(before);
  const b = lines(after);
  const ops = lineOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === " ") {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is close enough to share context.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== " ") end = j;
      else if (j - end > 2 * context) break;
    }
    end = Math.min(ops.length - 1, end + context);
    const aStart = ops.slice(0, start).filter((o) => o.kind !== "+").length;
    const bStart = ops.slice(0, start).filter((o) => o.kind !== "-").length;
    const body = ops.slice(start, end + 1);
    const aLen = body.filter((o) => o.kind !== "+").length;
    const bLen = body.filter((o) => o.kind !== "-").length;
    hunks.push(`@@ -${aStart + 1},${aLen} +${bStart + 1},${bLen} @@`, ...body.map((o) => o.kind + o.line));
    i = end + 1;
  }
  return [`--- ${labels[0]}`, `+++ ${labels[1]}`, ...hunks].join("\n") + "\n";
}

function lines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const same = (line: string): Op => ({ kind: " ", line });
  return [...a.slice(0, prefix).map(same), ...middleOps(midA, midB), ...a.slice(a.length - suffix).map(same)];
}

/** A longest-common-subsequence diff of the part between the common prefix and suffix. */
function middleOps(a: readonly string[], b: readonly string[]): Op[] {
  const removed = a.map((line): Op => ({ kind: "-", line }));
  const added = b.map((line): Op => ({ kind: "+", line }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_CELLS) return [...removed, ...added];
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      ops.push({ kind: "-", line: a[i++]! });
    } else {
      ops.push({ kind: "+", line: b[j++]! });
    }
  }
  return [...ops, ...removed.slice(i), ...added.slice(j)];
}
