import { watch as watchDir, type FSWatcher } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { CONFIG_NAMES } from "../config/find.js";
import { generate, type GenerateOptions } from "../generate.js";
import { report, type Output, type TextSink } from "./report.js";

const DEBOUNCE_MS = 80;

/**
 * Generates, then again on every change to the config or a file it references, until `signal`
 * aborts. An invalid config or an I/O error is printed and the watch goes on: the next save that
 * fixes it regenerates. Directories are watched rather than files, because editors often save by
 * replacing the file, which ends a watch on the file itself. A banner says what is watched, each
 * change is announced, and in text mode every line carries the time.
 */
export async function watchAndGenerate(options: GenerateOptions, output: Output, signal: AbortSignal): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config === undefined ? undefined : resolve(cwd, options.config);
  const watchers = new Map<string, FSWatcher>();
  let watched = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const shown = output.json ? output : { ...output, stdout: stamped(output.stdout), stderr: stamped(output.stderr) };
  const notice = (text: string) => shown.stderr.write(`${text}\n`);

  /** Watches `files` (and the config named by --config), or where discovery looks while there are none. */
  const follow = (files: readonly string[]) => {
    watched = new Set([...files.map((f) => resolve(cwd, f)), ...(config ? [config] : [])]);
    if (watched.size === 0) for (const name of [...CONFIG_NAMES, "package.json"]) watched.add(resolve(cwd, name));
    for (const dir of new Set([...watched].map(dirname))) {
      if (watchers.has(dir)) continue;
      watchers.set(
        dir,
        watchDir(dir, (_event, name) => {
          const file = [...watched].find((f) => dirname(f) === dir && basename(f) === name);
          if (name !== null && file === undefined) return;
          clearTimeout(timer);
          timer = setTimeout(() => {
            notice(`${file === undefined ? "a watched file" : relative(cwd, file) || file} changed`);
            running = running.then(run);
          }, DEBOUNCE_MS);
        }),
      );
    }
  };

  const run = async () => {
    const outcome = await generate(options).then(
      (result) => ({ result }),
      (error: unknown) => ({ error: error as Error }),
    );
    const files = "result" in outcome ? [outcome.result.config, ...outcome.result.files] : [];
    const before = watched;
    // Watching what this run read before printing its result: whoever edits a file once they see
    // the result is seen.
    follow(files);
    if ("result" in outcome) report(outcome.result, shown);
    else shown.stderr.write(`${outcome.error.message}\n`);
    if (!sameSet(before, watched)) notice(`watching ${describeWatched(files, cwd)}; press Ctrl-C to stop`);
  };

  // Where the config is looked for is watched from the start, so an edit during the first
  // generation is not missed.
  follow([]);
  running = run();
  await running;
  await new Promise<void>((done) => signal.addEventListener("abort", () => done(), { once: true }));
  clearTimeout(timer);
  for (const watcher of watchers.values()) watcher.close();
}

/** `cachegen.config.json and 2 files it references`, or where a config is looked for. */
function describeWatched(files: readonly string[], cwd: string): string {
  if (files.length === 0) return `${cwd} for a config to appear`;
  const [config, ...references] = files;
  const more =
    references.length === 0 ? "" : ` and ${references.length} file${references.length === 1 ? "" : "s"} it references`;
  return `${config}${more}`;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** A sink that starts every line with the local time, `[14:03:07] `. */
function stamped(sink: TextSink): TextSink {
  let lineStart = true;
  return {
    isTTY: sink.isTTY,
    write(text: string) {
      const time = `[${new Date().toTimeString().slice(0, 8)}] `;
      let out = "";
      for (const line of text.split(/(?<=\n)/)) {
        if (line === "") continue;
        out += (lineStart ? time : "") + line;
        lineStart = line.endsWith("\n");
      }
      return sink.write(out);
    },
  };
}
