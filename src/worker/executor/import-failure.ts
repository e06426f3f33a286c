// Why a flow file could not be imported, in words its author can act on: the missing package and
// where to install it, the line of a syntax error — for the executor's run failure and the CLI.
const MISSING_PACKAGE = /Cannot find package '([^']+)' imported from (\S+)/;

export function describeImportFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const missing = MISSING_PACKAGE.exec(e.message);
  if (missing) {
    const [, name, from] = missing;
    return (
      `the package "${name}" (imported from ${from}) is not installed: add it to the flow's project ` +
      `(npm install ${name}) and make it reach the machine that runs the flow (upload it with the code, or install it where the worker runs)`
    );
  }
  // esbuild (through tsx) lists "file:line:column: ERROR: what" lines after its first line
  const esbuildErrors = e.message.split("\n").filter((l) => /:\d+:\d+: ERROR: /.test(l));
  if (esbuildErrors.length) return `syntax error: ${esbuildErrors.slice(0, 3).join("; ")}`;
  // Node's SyntaxError names the place only in the stack's first line ("/path/file.js:3")
  if (e instanceof SyntaxError) {
    const where = /^(\/\S+:\d+)$/m.exec(e.stack ?? "")?.[1];
    return `syntax error${where ? ` at ${where}` : ""}: ${e.message}`;
  }
  return e.message.split("\n")[0]!;
}
