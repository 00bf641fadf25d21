import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** A unified diff (`--- a`, `+++ b`, `@@` hunks with `context` lines around each change); "" when equal. */
export function unifiedDiff(before: string, after: string, labels: readonly [string, string], context = 3): string {
  if (before === after) return "";
  return createTwoFilesPatch(labels[0], labels[1], before, after, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
