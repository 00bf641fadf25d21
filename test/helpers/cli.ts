import { Writable } from "node:stream";
import { main } from "../../generator/cli.js";

/** Runs the CLI in-process in `cwd`, capturing both streams. */
export async function cli(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write: (chunk: Buffer, _enc, done) => {
        into.push(chunk.toString());
        done();
      },
    });
  const code = await main(argv, { stdout: sink(out), stderr: sink(err), cwd });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
