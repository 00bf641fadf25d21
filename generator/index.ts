// The programmatic generator API (`cachegen/generator`).
export { configProblems } from "../runtime/config/validate.js";
