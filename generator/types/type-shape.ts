import type { Node, Type } from "ts-morph";
import { tsMorph } from "../ts-morph.js";

/**
 * The structure of a TypeScript value type as text, for `key_version: "schema"`: what a stored
 * value can look like, with every named type expanded (so an edit anywhere it reaches changes the
 * text) and nothing that leaves stored values alike (declaration names, member order, comments,
 * `readonly`, methods). A type met again on its own path is a back reference (`#0` is the root),
 * so recursive types end.
 */
export function typeShape(type: Type, at: Node): string {
  const flags = tsMorph().ts.TypeFlags;
  // Types with no members to expand: primitives, literals, any, unknown, never.
  const leaves =
    flags.Any |
    flags.Unknown |
    flags.Never |
    flags.Void |
    flags.Undefined |
    flags.Null |
    flags.StringLike |
    flags.NumberLike |
    flags.BigIntLike |
    flags.BooleanLike |
    flags.ESSymbolLike;
  const open: Type[] = [];
  const shape = (t: Type): string => {
    const depth = open.indexOf(t);
    if (depth !== -1) return `#${depth}`;
    if (t.isUnion()) return `(${t.getUnionTypes().map(shape).sort().join(" | ")})`;
    if (t.isIntersection()) return `(${t.getIntersectionTypes().map(shape).sort().join(" & ")})`;
    if (t.isEnumLiteral()) return JSON.stringify(t.getLiteralValue());
    if ((t.getFlags() & leaves) !== 0) return t.getText(at);
    if (t.getCallSignatures().length > 0) return "function";
    open.push(t);
    try {
      if (t.isArray() || t.isReadonlyArray()) return `${shape(t.getArrayElementTypeOrThrow())}[]`;
      if (t.isTuple()) return `[${t.getTupleElements().map(shape).join(", ")}]`;
      const args = t.getTypeArguments().map(shape);
      const name = t.getSymbol()?.getName();
      // A built-in such as Date or Map<K, V> is its name; its members are the library's.
      if (name !== undefined && isLibrary(t)) return args.length > 0 ? `${name}<${args.join(", ")}>` : name;
      return objectShape(t, at, shape);
    } finally {
      open.pop();
    }
  };
  return shape(type);
}

/** `{ a?: string; b: number; [string]: unknown }`, members sorted; functions are never stored, so they are left out. */
function objectShape(t: Type, at: Node, shape: (t: Type) => string): string {
  const members: string[] = [];
  for (const property of t.getProperties()) {
    const type = property.getTypeAtLocation(at);
    if (type.getNonNullableType().getCallSignatures().length > 0) continue;
    members.push(`${JSON.stringify(property.getName())}${property.isOptional() ? "?" : ""}: ${shape(type)}`);
  }
  const strings = t.getStringIndexType();
  if (strings !== undefined) members.push(`[string]: ${shape(strings)}`);
  const numbers = t.getNumberIndexType();
  if (numbers !== undefined) members.push(`[number]: ${shape(numbers)}`);
  return `{ ${members.sort().join("; ")} }`;
}

/** Whether the type is declared by TypeScript's own libraries or Node's types (`Date`, `Map`, `Buffer`). */
function isLibrary(t: Type): boolean {
  const declarations = t.getSymbol()?.getDeclarations() ?? [];
  return (
    declarations.length > 0 &&
    declarations.every((d) =>
      /[\\/](lib\.[\w.]+|node_modules[\\/]@types[\\/]node[\\/].+)\.d\.ts$/.test(d.getSourceFile().getFilePath()),
    )
  );
}
