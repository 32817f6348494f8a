// LiveKit webhooks: end the avatar with the session; the logic lives in ../_shared/livekit_webhook.ts.
import { createWebhookHandler } from "../_shared/livekit_webhook.ts";

Deno.serve(createWebhookHandler({ env: () => Deno.env.toObject() }));
