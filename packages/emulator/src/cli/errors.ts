/** A command line (or the environment standing in for it) the CLI cannot act on: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
