-- Avatar schema: scenario configuration, avatar sessions, LiveKit webhook idempotency.
--
-- Idempotent: every statement can run again on a database that already has it
-- (the test harness applies all migrations twice in a row).
-- Grants are explicit: since 2026 new public tables are not granted to the API
-- roles automatically, and older projects granted ALL by default privileges, so
-- every table first loses all API-role privileges and then gets exactly what it needs.

-- ---------------------------------------------------------------------------
-- Shared trigger function: keep updated_at current.
-- ---------------------------------------------------------------------------
create or replace function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

revoke all on function public.set_updated_at() from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- avatar_configs: one row per conversation scenario.
-- ---------------------------------------------------------------------------
create table if not exists public.avatar_configs (
  scenario_id text primary key
    constraint avatar_configs_scenario_id_format
      check (scenario_id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(scenario_id) <= 64),
  display_name text not null
    constraint avatar_configs_display_name_length
      check (char_length(display_name) between 1 and 100),
  replica_id text not null
    constraint avatar_configs_replica_id_format
      check (replica_id ~ '^r[0-9a-z]{2,63}$'),
  persona_id text
    constraint avatar_configs_persona_id_format
      check (persona_id ~ '^p[0-9a-z]{2,63}$'),
  language text not null default 'english'
    constraint avatar_configs_language_supported
      check (language in (
        'arabic', 'bulgarian', 'chinese', 'croatian', 'czech', 'danish', 'dutch', 'english',
        'filipino', 'finnish', 'french', 'german', 'greek', 'hindi', 'hungarian', 'indonesian',
        'italian', 'japanese', 'korean', 'malay', 'norwegian', 'polish', 'portuguese', 'romanian',
        'russian', 'slovak', 'spanish', 'swedish', 'tamil', 'turkish', 'ukrainian', 'vietnamese',
        'multilingual'
      )),
  prompt text not null
    constraint avatar_configs_prompt_length
      check (char_length(prompt) between 1 and 10000),
  greeting text
    constraint avatar_configs_greeting_length
      check (char_length(greeting) <= 1000),
  max_call_duration_seconds integer not null default 1800
    constraint avatar_configs_max_call_duration_range
      check (max_call_duration_seconds between 60 and 3600),
  agent_name text
    constraint avatar_configs_agent_name_format
      check (agent_name ~ '^[A-Za-z0-9_.-]{1,128}$'),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.avatar_configs is
  'Conversation scenarios: which Tavus replica/persona to start, with what prompt. Readable by signed-in users when enabled; written by service_role only.';
comment on column public.avatar_configs.agent_name is
  'LiveKit agent to dispatch when the session runs in agent mode; null for direct mode.';

drop trigger if exists avatar_configs_set_updated_at on public.avatar_configs;
create trigger avatar_configs_set_updated_at
  before update on public.avatar_configs
  for each row execute function public.set_updated_at();

alter table public.avatar_configs enable row level security;

revoke all on table public.avatar_configs from public, anon, authenticated, service_role;
grant select on table public.avatar_configs to authenticated;
grant select, insert, update, delete on table public.avatar_configs to service_role;

drop policy if exists avatar_configs_select_enabled on public.avatar_configs;
create policy avatar_configs_select_enabled on public.avatar_configs
  for select to authenticated
  using (enabled);

-- ---------------------------------------------------------------------------
-- avatar_sessions: who started which Tavus conversation in which LiveKit room.
-- ---------------------------------------------------------------------------
create table if not exists public.avatar_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  scenario_id text not null references public.avatar_configs (scenario_id),
  room_name text not null unique,
  mode text not null
    constraint avatar_sessions_mode_valid
      check (mode in ('direct', 'agent', 'none')),
  conversation_id text unique
    constraint avatar_sessions_conversation_id_format
      check (conversation_id ~ '^c[0-9a-z]{2,63}$'),
  status text not null default 'starting'
    constraint avatar_sessions_status_valid
      check (status in ('starting', 'live', 'ending', 'ended', 'failed')),
  end_reason text
    constraint avatar_sessions_end_reason_length
      check (char_length(end_reason) <= 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  ended_at timestamptz,
  expires_at timestamptz not null,
  constraint avatar_sessions_ended_at_matches_status
    check ((ended_at is not null) = (status in ('ended', 'failed')))
);

comment on table public.avatar_sessions is
  'One row per avatar session. Users read their own rows; only service_role (through the session RPCs) writes.';
comment on column public.avatar_sessions.expires_at is
  'Start + max call duration: the session counts as over after this even if nobody ended it.';

-- At most one open session per user and scenario, across every edge function instance.
-- Its leading user_id column also serves the "open sessions of a user" lookups of
-- claim_avatar_session (expiry sweep, per-user cap), so no separate live-by-user index.
create unique index if not exists avatar_sessions_one_open_per_user_scenario
  on public.avatar_sessions (user_id, scenario_id)
  where status in ('starting', 'live', 'ending');
-- A user's history (RLS-filtered listing) and the user_id foreign key (on delete cascade).
create index if not exists avatar_sessions_user_created
  on public.avatar_sessions (user_id, created_at desc);
-- The scenario_id foreign key.
create index if not exists avatar_sessions_scenario
  on public.avatar_sessions (scenario_id);
-- Lookups by conversation_id and by room_name use the unique constraints' indexes.

drop trigger if exists avatar_sessions_set_updated_at on public.avatar_sessions;
create trigger avatar_sessions_set_updated_at
  before update on public.avatar_sessions
  for each row execute function public.set_updated_at();

alter table public.avatar_sessions enable row level security;

revoke all on table public.avatar_sessions from public, anon, authenticated, service_role;
grant select on table public.avatar_sessions to authenticated;
grant select, insert, update, delete on table public.avatar_sessions to service_role;

drop policy if exists avatar_sessions_select_own on public.avatar_sessions;
create policy avatar_sessions_select_own on public.avatar_sessions
  for select to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------
-- livekit_webhook_events: webhook ids already processed (idempotency). service_role only.
-- ---------------------------------------------------------------------------
create table if not exists public.livekit_webhook_events (
  event_id text primary key,
  event text not null,
  room_name text,
  received_at timestamptz not null default now()
);

comment on table public.livekit_webhook_events is
  'LiveKit webhook event ids already handled, so a redelivered event is processed once. service_role only.';

-- Pruning old events (delete ... where received_at < ...).
create index if not exists livekit_webhook_events_received_at
  on public.livekit_webhook_events (received_at);

alter table public.livekit_webhook_events enable row level security;

revoke all on table public.livekit_webhook_events from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.livekit_webhook_events to service_role;
