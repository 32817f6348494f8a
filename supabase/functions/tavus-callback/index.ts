// Tavus conversation callbacks; the logic lives in ../_shared/tavus_callback.ts.
import { createTavusCallbackHandler } from "../_shared/tavus_callback.ts";

Deno.serve(createTavusCallbackHandler({ env: () => Deno.env.toObject() }));
