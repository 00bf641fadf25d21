import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.js";

const SEED = readFileSync(new URL("../../fixtures/seed/cachegen.config.json", import.meta.url), "utf8");
const RED = "\x1b[31m";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cachegen-usage-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("help", () => {
  it("generate --help prints the usage of generate and the flags it takes", async () => {
    const { code, stdout, stderr } = await cli(dir, ["generate", "--help"]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toMatch(
      /^Usage: cachegen generate \[options\]\n\nValidate the config and write the typed caches\.ts\./,
    );
    for (const flag of ["--config <file>", "--out <file>", "--check", "--watch", "--json", "--help"])
      expect(stdout).toContain(flag);
    expect(stdout).not.toContain("Commands:");
  });

  it("validate -h leaves out the flags validate does not take", async () => {
    const { code, stdout } = await cli(dir, ["validate", "-h"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: cachegen validate \[options\]/);
    expect(stdout).not.toMatch(/^ {2}(-\w, | {4})--(out|check|watch)\b/m);
    expect(stdout).toMatch(/^ {6}--json\b/m);
  });
});

describe("usage errors are one clean line, exit 2", () => {
  it.each([
    [["generate", "--chek"], "unknown option --chek; did you mean --check?"],
    [["generate", "--wach"], "unknown option --wach; did you mean --watch?"],
    [["generate", "--frobnicate"], "unknown option --frobnicate"],
    [["generate", "-x"], "unknown option -x"],
    [["generate", "--config"], "--config needs a value: --config <file>"],
    [["generate", "--config", "--check"], "--config needs a value: --config <file>"],
    [["generate", "--check=yes"], "--check takes no value"],
    [["genrate"], 'unknown command "genrate"; did you mean "generate"?'],
    [["frobnicate"], 'unknown command "frobnicate"; commands: generate, validate, init, doctor'],
    [["generate", "extra"], 'unexpected argument "extra"'],
  ])("%j", async (argv, message) => {
    const { code, stdout, stderr } = await cli(dir, argv);
    expect([code, stdout, stderr]).toEqual([2, "", `cachegen: ${message}\nRun cachegen --help for usage.\n`]);
  });
});

describe("colour", () => {
  const usageError = async (tty: boolean) => (await cli(dir, ["--chek"], { tty })).stderr;

  it("on a terminal, unless NO_COLOR is set", async () => {
    expect((await usageError(true)).startsWith(`${RED}cachegen: unknown option`)).toBe(true);
    vi.stubEnv("NO_COLOR", "1");
    expect(await usageError(true)).not.toContain(RED);
  });

  it("FORCE_COLOR forces it where there is no terminal, and wins over NO_COLOR; FORCE_COLOR=0 turns it off", async () => {
    expect(await usageError(false)).not.toContain(RED);
    vi.stubEnv("FORCE_COLOR", "1");
    vi.stubEnv("NO_COLOR", "1");
    expect(await usageError(false)).toContain(RED);
    vi.stubEnv("FORCE_COLOR", "0");
    vi.stubEnv("NO_COLOR", undefined);
    expect(await usageError(true)).not.toContain(RED);
  });
});

describe("an I/O error names the file the user asked for, exit 3", () => {
  beforeEach(() => writeFileSync(join(dir, "cachegen.config.json"), SEED));

  it("when the write fails, and leaves no temporary file behind", async () => {
    // Nothing can be created in /proc, whoever runs the test.
    const out = `/proc/cachegen-${process.pid}.ts`;
    const { code, stderr } = await cli(dir, ["generate", "--out", out]);
    expect([code, stderr]).toEqual([3, `cachegen: ${out} cannot be written: ENOENT: no such file or directory\n`]);
  });

  it("when the current output cannot be read to compare", async () => {
    mkdirSync(join(dir, "out"));
    const { code, stderr } = await cli(dir, ["generate", "--out", "out"]);
    expect([code, stderr]).toEqual([3, "cachegen: out cannot be read: EISDIR: illegal operation on a directory\n"]);
  });

  it("writes through a short temporary name, so an output name near the file-name limit works", async () => {
    // 255 bytes is the limit, and the validators module beside it is named `<name>.validators.d.ts`.
    const out = `${"c".repeat(235)}.ts`;
    expect((await cli(dir, ["generate", "--out", out])).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([out, "cachegen.config.json"].sort());
  });
});

describe("--check shows durations as written", () => {
  const withDurations = (ttl: unknown, timeout: unknown) => JSON.stringify({ a: { cache: "memory", ttl, timeout } });

  it("10m → 1h, 1 → 250ms; the same duration written another way is no change", async () => {
    writeFileSync(join(dir, "cachegen.config.json"), withDurations("10m", 1));
    await cli(dir, ["generate"]);
    writeFileSync(join(dir, "cachegen.config.json"), withDurations("1h", "250ms"));
    const drift = await cli(dir, ["generate", "--check"]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain("Semantic changes:\n  a: ttl 10m → 1h\n  a: timeout 1 → 250ms\n");

    writeFileSync(join(dir, "cachegen.config.json"), withDurations(600, "1s"));
    const same = await cli(dir, ["generate", "--check"]);
    expect([same.code, same.stdout]).toEqual([
      1,
      expect.stringContaining("Semantic changes:\n  none (formatting only)\n"),
    ]);
  });
});
