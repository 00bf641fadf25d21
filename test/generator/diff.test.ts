import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../generator/check/diff.js";

describe("unifiedDiff (--check's diff, by the diff package)", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n", ["x", "x"])).toBe("");
  });

  it("gives unified hunks with three lines of context around each change", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const after = before.replace("line 2\n", "line two\n").replace("line 17\n", "");
    expect(unifiedDiff(before, after, ["caches.ts", "caches.ts"])).toBe(
      [
        "--- caches.ts",
        "+++ caches.ts",
        "@@ -1,6 +1,6 @@",
        " line 0",
        " line 1",
        "-line 2",
        "+line two",
        " line 3",
        " line 4",
        " line 5",
        "@@ -15,6 +15,5 @@",
        " line 14",
        " line 15",
        " line 16",
        "-line 17",
        " line 18",
        " line 19",
        "",
      ].join("\n"),
    );
  });

  it("shows a new file as added from /dev/null, as git and patch expect", () => {
    expect(unifiedDiff("", "a\nb\n", ["/dev/null", "caches.ts"])).toBe(
      "--- /dev/null\n+++ caches.ts\n@@ -0,0 +1,2 @@\n+a\n+b\n",
    );
  });

  it("stays fast on a large file with a change at each end", () => {
    const before = Array.from({ length: 50_000 }, (_, i) => `const a${i} = ${i};`).join("\n") + "\n";
    const after = `// header\n${before.replace("a49999 = 49999", "a49999 = 0")}`;
    const started = performance.now();
    const diff = unifiedDiff(before, after, ["caches.ts", "caches.ts"]);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(diff.match(/^@@ /gm)).toHaveLength(2);
  });
});
