/** Minimal assertions (jsr:@std/assert cannot be fetched here). */
export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

function stable(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, val) =>
      val && typeof val === "object" && !Array.isArray(val)
        ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b)))
        : val,
  );
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  const a = stable(actual);
  const e = stable(expected);
  if (a !== e) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${e}, got ${a}`);
  }
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}${JSON.stringify(actual)} !~ ${re}`);
  }
}

export async function assertRejects(
  fn: () => unknown,
  check?: (e: unknown) => void,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    check?.(e);
    return;
  }
  throw new AssertionError("expected an error, none was thrown");
}

export function assertThrows(fn: () => unknown, check?: (e: unknown) => void): void {
  try {
    fn();
  } catch (e) {
    check?.(e);
    return;
  }
  throw new AssertionError("expected an error, none was thrown");
}
