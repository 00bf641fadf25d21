import { Writable } from "node:stream";
import { main } from "../../generator/cli.js";

/**
 * Runs the CLI in-process in `cwd`, capturing both streams; with `tty`, the streams say they are a
 * terminal (for colour).
 */
export async function cli(
  cwd: string,
  argv: string[],
  { tty = false }: { tty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    Object.assign(
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          into.push(chunk.toString());
          done();
        },
      }),
      { isTTY: tty },
    );
  const code = await main(argv, { stdout: sink(out), stderr: sink(err), cwd });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
