import { watch as watchDir, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { CONFIG_NAMES } from "../config/find.js";
import { generate, type GenerateOptions } from "../generate.js";
import { report, type Output } from "./report.js";

const DEBOUNCE_MS = 80;

/**
 * Generates, then again on every change to the config or a file it references, until `signal`
 * aborts. An invalid config or an I/O error is printed and the watch goes on: the next save that
 * fixes it regenerates. Directories are watched rather than files, because editors often save by
 * replacing the file, which ends a watch on the file itself.
 */
export async function watchAndGenerate(options: GenerateOptions, output: Output, signal: AbortSignal): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const watchers = new Map<string, FSWatcher>();
  let watched = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = async () => {
    let files: readonly string[] = [];
    try {
      const result = await generate(options);
      report(result, output);
      files = [result.config, ...result.files];
    } catch (error) {
      output.stderr.write(`${(error as Error).message}\n`);
    }
    const config = options.config === undefined ? undefined : resolve(cwd, options.config);
    watched = new Set([...files.map((f) => resolve(cwd, f)), ...(config ? [config] : [])]);
    // Nothing found yet: watch for a config to appear where discovery looks.
    if (watched.size === 0) for (const name of [...CONFIG_NAMES, "package.json"]) watched.add(resolve(cwd, name));
    for (const dir of new Set([...watched].map(dirname))) {
      if (watchers.has(dir)) continue;
      watchers.set(
        dir,
        watchDir(dir, (_event, name) => {
          if (name !== null && ![...watched].some((f) => dirname(f) === dir && basename(f) === name)) return;
          clearTimeout(timer);
          timer = setTimeout(() => {
            running = running.then(run);
          }, DEBOUNCE_MS);
        }),
      );
    }
  };

  running = run();
  await running;
  await new Promise<void>((done) => signal.addEventListener("abort", () => done(), { once: true }));
  clearTimeout(timer);
  for (const watcher of watchers.values()) watcher.close();
}
