import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The starter config: `$schema` for editor completion and one memory alias that needs no server. */
const STARTER = {
  $schema: "./node_modules/cachegen/schema/cachegen.schema.json",
  default: { cache: "memory", ttl: "5m", serializer: { class: "string" } },
};

/** Writes `cachegen.config.json` in `cwd`; `false` when it already exists (never overwritten). */
export async function writeStarter(cwd: string): Promise<boolean> {
  try {
    await writeFile(join(cwd, "cachegen.config.json"), `${JSON.stringify(STARTER, null, 2)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}
