/**
 * Settings read from the environment (`Deno.env` when deployed), validated by
 * the Rust core. Secrets stay in this object and never reach a response or log.
 */
import { type ConfigReport, validateConfig } from "livekit-tavus-edge";

/** A snapshot of environment variables. */
export type Env = Record<string, string | undefined>;

/** Everything the functions need to know about LiveKit. */
export interface LiveKitSettings {
  apiKey: string;
  apiSecret: string;
  /** The WebSocket URL clients connect to. */
  wsUrl: string;
}

/** Validated settings: LiveKit credentials when configured, and the redacted report. */
export interface Settings {
  livekit: LiveKitSettings | null;
  report: ConfigReport;
}

/** Validates `env` with the core and extracts what the handlers use. */
export function loadSettings(env: Env): Settings {
  const report = validateConfig(env);
  const livekit = report.livekit_configured
    ? {
      apiKey: env.LIVEKIT_API_KEY!,
      apiSecret: env.LIVEKIT_API_SECRET!,
      wsUrl: env.LIVEKIT_WS_URL!,
    }
    : null;
  return { livekit, report };
}
