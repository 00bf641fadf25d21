import { randomUUID } from "node:crypto";

/**
 * Large pieces of the generated file, kept out of ts-morph's parse (it parses every file it prints)
 * and, once in final form, out of prettier's pass over the file. Each stands in the skeleton as a
 * placeholder statement, alone on its line, until it is put back.
 */
export class Regions {
  readonly #prefix = `__cachegen_${randomUUID().replaceAll("-", "")}_`; // no config text contains it
  readonly #pattern = new RegExp(`^${this.#prefix}(\\d+);?$`, "gm");
  readonly #texts: { readonly text: string | Promise<string>; readonly final: boolean }[] = [];

  /** A placeholder for text that prettier formats with the rest of the file. */
  raw(text: string): string {
    return this.#add(text, false);
  }

  /** A placeholder for text already formatted (or marked `prettier-ignore`), perhaps still being formatted. */
  final(text: string | Promise<string>): string {
    return this.#add(text, true);
  }

  /** The skeleton as prettier sees it: raw regions put back. */
  beforeFormat(source: string): string {
    return source.replace(this.#pattern, (line, index: string) => {
      const region = this.#texts[Number(index)]!;
      return region.final ? line : (region.text as string);
    });
  }

  /** The formatted skeleton with the final regions put back. */
  async afterFormat(source: string): Promise<string> {
    const texts = await Promise.all(this.#texts.map(async (region) => region.text));
    return source.replace(this.#pattern, (_line, index: string) => texts[Number(index)]!);
  }

  #add(text: string | Promise<string>, final: boolean): string {
    // Its failure surfaces in afterFormat, or not at all if generation stops before.
    if (text instanceof Promise) text.catch(() => {});
    return `${this.#prefix}${this.#texts.push({ text, final }) - 1};`;
  }
}
