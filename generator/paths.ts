import { relative } from "node:path";

/** `file` relative to `fromDir`, with `/` separators on every platform (for messages and generated code). */
export function posixRelative(fromDir: string, file: string): string {
  return relative(fromDir, file).split("\\").join("/");
}
