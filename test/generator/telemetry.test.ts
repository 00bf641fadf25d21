import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSource } from "../../generator/source.js";

async function generated(config: object): Promise<string> {
  const path = join(tmpdir(), "cachegen.config.json");
  const result = await generateSource({ source: { path, text: JSON.stringify(config) } });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.text;
}

describe('the config\'s top-level "telemetry"', () => {
  it("is no alias: it reaches the generated registry as an option", async () => {
    const text = await generated({ telemetry: true, users: { cache: "memory", telemetry: false } });
    expect(text).toMatch(/new TypedCacheRegistry<[^>]*>\(config, \{[^}]*telemetry: true/s);
    expect(text).toContain('export type CacheAlias = "users";');
    expect(await generated({ users: { cache: "memory" } })).not.toMatch(/telemetry: true/);
  });
});
