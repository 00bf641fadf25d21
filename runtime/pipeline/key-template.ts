import { InvalidKeyError } from "../errors.js";

/** The types a template parameter can declare (`{id:number}`); `string` when it declares none. */
export const KEY_PARAM_TYPES = ["string", "number"] as const;

/** One of {@link KEY_PARAM_TYPES}. */
export type KeyParamType = (typeof KEY_PARAM_TYPES)[number];

/** A parameter of a key template, filled in at each call. */
export interface KeyParam {
  readonly name: string;
  readonly type: KeyParamType;
}

/** One piece of a key template: fixed text, or a parameter. */
export type KeyPart = string | KeyParam;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A key template such as `user:{id:number}:{lang}`: the key is the template's text with each
 * parameter's value written in its place (`user:42:en`), which a Python service builds the same way
 * with `str.format`. `{{` and `}}` stand for literal braces (a Redis hash tag: `{{users}}:{id}`).
 *
 * A parameter's value may not contain the character that follows the parameter in the template
 * (`:` above), and a number must be finite: then no two sets of parameters build the same key.
 * Two parameters must have fixed text between them for the same reason.
 */
export class KeyTemplate {
  /** The template as written. */
  readonly text: string;
  /** Fixed text and parameters, in order; adjacent fixed text is one string. */
  readonly parts: readonly KeyPart[];
  /** Per part: the character its value may not contain (the next fixed text's first), `""` for none. */
  readonly #stops: readonly string[];

  private constructor(text: string, parts: readonly KeyPart[]) {
    this.text = text;
    this.parts = parts;
    this.#stops = parts.map((part, i) =>
      typeof part === "string" ? "" : (((parts[i + 1] as string | undefined) ?? "")[0] ?? ""),
    );
  }

  /** Parses a template; every problem in it is listed, or the template is returned. */
  static parse(text: string): KeyTemplate | { readonly problems: readonly string[] } {
    const problems: string[] = [];
    const parts: KeyPart[] = [];
    const names = new Set<string>();
    let fixed = "";
    const param = (spec: string) => {
      const colon = spec.indexOf(":");
      const name = colon === -1 ? spec : spec.slice(0, colon);
      const type = colon === -1 ? "string" : spec.slice(colon + 1);
      if (!NAME.test(name) || name === "__proto__") {
        problems.push(`{${spec}}: a parameter name is an identifier (letters, digits and _, not first a digit)`);
      } else if (names.has(name)) {
        problems.push(`{${spec}}: parameter "${name}" appears twice; give each parameter its own name`);
      }
      if (!(KEY_PARAM_TYPES as readonly string[]).includes(type)) {
        problems.push(`{${spec}}: unknown parameter type "${type}"; use ${KEY_PARAM_TYPES.join(" or ")}`);
      }
      const previous = parts.at(-1);
      if (fixed === "" && previous !== undefined && typeof previous !== "string") {
        problems.push(
          `{${previous.name}} and {${name}} need fixed text between them (e.g. ":"), or two different values build one key`,
        );
      }
      if (fixed !== "") parts.push(fixed);
      fixed = "";
      names.add(name);
      parts.push({ name, type: type as KeyParamType });
    };
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if ((char === "{" || char === "}") && text[i + 1] === char) {
        fixed += char;
        i++;
      } else if (char === "}") {
        problems.push(`"}" at offset ${i} closes no parameter; write "}}" for a literal brace`);
      } else if (char === "{") {
        const end = text.indexOf("}", i);
        const nested = text.indexOf("{", i + 1);
        if (end === -1 || (nested !== -1 && nested < end)) {
          problems.push(`"{" at offset ${i} is not closed by "}"; write "{{" for a literal brace`);
          continue;
        }
        param(text.slice(i + 1, end));
        i = end;
      } else {
        fixed += char;
      }
    }
    if (fixed !== "") parts.push(fixed);
    if (names.size === 0 && problems.length === 0) {
      problems.push("a key template has at least one {parameter}; a fixed key needs no template");
    }
    return problems.length > 0 ? { problems } : new KeyTemplate(text, parts);
  }

  /** The parameters, in template order. */
  get params(): readonly KeyParam[] {
    return this.parts.filter((part): part is KeyParam => typeof part !== "string");
  }

  /**
   * The key for `params`: the template with each value in place. Parameters the template does not
   * name are ignored; a missing, mistyped or ambiguous value is an `InvalidKeyError`.
   */
  render(params: unknown, backend: string): string {
    if (params === null || typeof params !== "object") {
      const got = params === null ? "null" : typeof params;
      throw this.#invalid(backend, `a key is a string or the template's parameters object, got ${got}`);
    }
    let key = "";
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      key +=
        typeof part === "string" ? part : this.#value(part, (params as Record<string, unknown>)[part.name], i, backend);
    }
    return key;
  }

  #value(param: KeyParam, value: unknown, index: number, backend: string): string {
    const shown = `parameter "${param.name}"`;
    if (typeof value !== param.type) {
      const got = value === undefined ? "nothing" : value === null ? "null" : typeof value;
      throw this.#invalid(backend, `${shown} must be a ${param.type}, got ${got}`);
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw this.#invalid(backend, `${shown} must be a finite number, got ${value}`);
    }
    const text = String(value);
    const stop = this.#stops[index]!;
    if (stop !== "" && text.includes(stop)) {
      throw this.#invalid(
        backend,
        `${shown} is ${JSON.stringify(text)}, which contains ${JSON.stringify(stop)}, the text after it in the template, ` +
          `so other values could build the same key; pass a value without it (e.g. encoded) or change the template`,
      );
    }
    return text;
  }

  #invalid(backend: string, message: string): InvalidKeyError {
    return new InvalidKeyError(backend, this.text, `Key template ${JSON.stringify(this.text)}: ${message}.`);
  }
}
