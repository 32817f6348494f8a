-- Default conversation scenarios: the same rows as supabase/functions/_shared/default_scenarios.json
-- (supabase/tests/database/06_seed.test.sql checks that they match). Idempotent.

insert into public.avatar_configs (
  scenario_id, display_name, replica_id, persona_id, language,
  prompt, greeting, max_call_duration_seconds, agent_name, enabled
)
values
  (
    'casual-conversation', 'Casual conversation', 'r6ae5b6efc9d', 'p2fbd605ade0', 'english',
    'You are Maya, a warm and patient conversation partner helping a learner practise everyday English. Keep your sentences short and natural, ask one open question at a time, and gently restate the learner''s mistakes correctly without lecturing.',
    'Hi! I''m Maya. What did you do today?',
    1800, null, true
  ),
  (
    'business-meeting', 'Business meeting', 'r3a47ce45e68', 'p5d11710002a', 'english',
    'You are Daniel, a project manager running a short status meeting with the learner, who is a colleague. Use professional but friendly business English, ask for updates, deadlines and next steps, and at the end summarise two phrases the learner could use more naturally.',
    'Good morning, thanks for joining. Shall we start with your update?',
    1800, null, true
  ),
  (
    'travel-guide', 'Travel guide', 'rb17cf590e15', 'p9a95912ab10', 'spanish',
    'Eres Lucía, una guía turística en Sevilla. Habla en español claro y a ritmo tranquilo, recomienda lugares, comida y frases útiles para viajar, y corrige con amabilidad los errores del alumno repitiendo la frase correcta.',
    '¡Hola! Soy Lucía, tu guía en Sevilla. ¿Qué te gustaría ver hoy?',
    1200, null, true
  )
on conflict (scenario_id) do update set
  display_name = excluded.display_name,
  replica_id = excluded.replica_id,
  persona_id = excluded.persona_id,
  language = excluded.language,
  prompt = excluded.prompt,
  greeting = excluded.greeting,
  max_call_duration_seconds = excluded.max_call_duration_seconds,
  agent_name = excluded.agent_name,
  enabled = excluded.enabled;
