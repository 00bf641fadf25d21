// Types of compile-schema.mjs, for the test that checks the committed generated files are current.
export const SCHEMA_PATH: string;
export const VALIDATOR_PATH: string;
export const TYPES_PATH: string;
export const SCHEMA_MODULE_PATH: string;
export function compileSchemaModule(): string;
export function compileConfigTypes(): Promise<string>;
export function compileSchema(): string;
