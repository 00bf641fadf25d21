import { relative } from "node:path";

/** `file` relative to `fromDir`, with `/` separators on every platform (for messages and generated code). */
export function posixRelative(fromDir: string, file: string): string {
  return relative(fromDir, file).split("\\").join("/");
}

/** A path as shown to the user: relative to `cwd` when inside it, else absolute. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}
