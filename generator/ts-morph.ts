import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";

/**
 * ts-morph, loaded with `require`: imported as ESM, Node first scans its CommonJS bundle for export
 * names, about 70 ms of a cold `cachegen generate`, whose time is mostly module loading.
 */
const tsMorph = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;

export const { Node, Project, StructureKind, SyntaxKind, ts } = tsMorph;
export type Node = TsMorph.Node;
export type Project = TsMorph.Project;
export type StructureKind = TsMorph.StructureKind;
