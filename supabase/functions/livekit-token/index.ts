// LiveKit's standard token endpoint behind Supabase auth; the logic lives in ../_shared/livekit_token.ts.
import { createTokenHandler } from "../_shared/livekit_token.ts";

Deno.serve(createTokenHandler({ env: () => Deno.env.toObject() }));
