import { Writable } from "node:stream";
import { main } from "../../generator/cli.js";

/** A terminal-like or plain sink that keeps what the CLI writes. */
function sink(into: string[], isTTY: boolean) {
  return Object.assign(
    new Writable({
      write: (chunk: Buffer, _enc, done) => {
        into.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
}

/** Runs the CLI in-process in `cwd`, capturing both streams; `tty` makes them look like a terminal. */
export async function cli(cwd: string, argv: string[], { tty = false }: { tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: sink(out, tty), stderr: sink(err, tty), cwd });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
