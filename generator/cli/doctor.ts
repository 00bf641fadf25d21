import type { DoctorResult } from "../doctor/doctor.js";
import { aliases, EXIT, printFindings, printProblems, type Output } from "./report.js";

/** Prints `cachegen doctor`'s result and returns its exit code: 0 clean, 1 findings, 2 invalid config. */
export function reportDoctor(result: DoctorResult, output: Output): number {
  const code = result.status === "invalid" ? EXIT.invalid : result.status === "findings" ? EXIT.findings : EXIT.ok;
  if (output.json) {
    output.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return code;
  }
  if (result.status === "invalid") {
    printProblems(result.problems, output.stderr);
    const count = result.problems.length;
    output.stderr.write(
      `${result.config}: ${count} problem${count === 1 ? "" : "s"}; the doctor reads a valid config\n`,
    );
    return code;
  }
  printFindings(result.findings, output.stdout);
  const count = result.findings.length;
  const found = count === 0 ? "no keyspace findings" : `${count} keyspace finding${count === 1 ? "" : "s"}`;
  output.stdout.write(`${result.config}: ${found} (${aliases(result.aliases)})\n`);
  return code;
}
