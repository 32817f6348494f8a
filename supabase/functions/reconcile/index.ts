// Ends what nothing else ended (Supabase Cron calls it every minute); the logic lives in ../_shared/reconcile.ts.
import { createReconcileHandler } from "../_shared/reconcile.ts";

Deno.serve(createReconcileHandler({ env: () => Deno.env.toObject() }));
