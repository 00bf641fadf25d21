import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The @cachegen/cli package directory, found the same way from the sources and from `dist/`. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "templates", "caches.ts"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("@cachegen/cli is incomplete: templates/caches.ts is missing from the package");
    dir = parent;
  }
  root = dir;
  return dir;
}
