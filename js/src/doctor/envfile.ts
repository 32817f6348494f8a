/**
 * Reads env files in the format of `supabase secrets set --env-file` and
 * `supabase/functions/.env` (dotenv): `KEY=value`, `export KEY=value`,
 * `# comments`, single quotes (literal), double quotes (with `\n` escapes,
 * may span lines), unquoted values trimmed and cut at ` #`.
 *
 * @module
 */

/** The variables of an env file, and the lines that could not be read (never their values). */
export interface ParsedEnvFile {
  /** Variable → value. A later line wins over an earlier one. */
  values: Record<string, string>;
  /** Lines that could not be read: line number and why. */
  errors: Array<{ line: number; message: string }>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses the text of an env file.
 *
 * @example
 * ```ts
 * parseEnvFile('LIVEKIT_WS_URL="wss://x.livekit.cloud"\n# note\nexport AVATAR_MODE=agent # inline\n').values;
 * // { LIVEKIT_WS_URL: "wss://x.livekit.cloud", AVATAR_MODE: "agent" }
 * ```
 */
export function parseEnvFile(text: string): ParsedEnvFile {
  const values: Record<string, string> = {};
  const errors: ParsedEnvFile["errors"] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const line = raw.replace(/^export\s+/, "");
    const eq = line.indexOf("=");
    if (eq <= 0) {
      errors.push({ line: lineNo, message: "expected NAME=value" });
      continue;
    }
    const name = line.slice(0, eq).trim();
    if (!NAME.test(name)) {
      errors.push({
        line: lineNo,
        message: "the name has characters a variable name cannot have",
      });
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // The value runs to the matching quote, possibly on a later line.
      let body = rest.slice(1);
      let end = closing(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += "\n" + lines[i]!;
        end = closing(body, quote);
      }
      if (end < 0) {
        errors.push({ line: lineNo, message: `unclosed ${quote} quote` });
        continue;
      }
      const inner = body.slice(0, end);
      values[name] = quote === '"' ? unescape(inner) : inner;
      continue;
    }
    const hash = rest.search(/\s#/);
    if (hash >= 0) rest = rest.slice(0, hash);
    values[name] = rest.trim();
  }
  return { values, errors };
}

function closing(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === "\\" && quote === '"') {
      j++;
      continue;
    }
    if (body[j] === quote) return j;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(
    /\\([nrt"\\])/g,
    (_, c: string) => c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c,
  );
}
