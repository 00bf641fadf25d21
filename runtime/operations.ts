/** The cache operations that pass through the pipeline and can be hooked by plugins. */
export const OPERATIONS = [
  "get",
  "multiGet",
  "set",
  "multiSet",
  "add",
  "delete",
  "exists",
  "increment",
  "expire",
  "getTtl",
  "clear",
  "raw",
] as const;

/** One of {@link OPERATIONS}. */
export type Operation = (typeof OPERATIONS)[number];
