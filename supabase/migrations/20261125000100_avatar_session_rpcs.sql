-- Session RPCs called by the edge functions with a service-role client (`supabase.rpc(name, args)`).
--
-- Every rule that must hold across edge function instances lives here, in Postgres:
-- one open session per user and scenario (partial unique index + per-user advisory lock),
-- the per-user cap, ending a session exactly once (conditional update), webhook idempotency.
-- All functions: security definer, empty search_path, executable by service_role only.
-- Errors callers rely on are raised with errcode P0001 and a stable ERR_* message.

-- ---------------------------------------------------------------------------
-- claim_avatar_session: reuse the open session for (user, scenario) or start a new one.
-- ---------------------------------------------------------------------------
create or replace function public.claim_avatar_session(
  p_user_id uuid,
  p_scenario_id text,
  p_room_name text,
  p_mode text,
  p_max_live integer,
  p_duration_seconds integer
)
returns table (
  id uuid,
  room_name text,
  conversation_id text,
  status text,
  expires_at timestamptz,
  reused boolean
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_open integer;
begin
  if p_user_id is null or p_max_live is null or p_duration_seconds is null or p_duration_seconds < 1 then
    raise exception using errcode = '22023', message = 'ERR_INVALID_ARGUMENT',
      detail = 'p_user_id, p_max_live and a positive p_duration_seconds are required';
  end if;

  -- Serialise claims of one user across all instances (released at commit).
  perform pg_advisory_xact_lock(hashtextextended(p_user_id::text, 0));

  -- Sessions nobody ended are over once expired.
  update public.avatar_sessions as s
     set status = 'ended', end_reason = 'expired', ended_at = now()
   where s.user_id = p_user_id
     and s.status in ('starting', 'live', 'ending')
     and s.expires_at < now();

  return query
    select s.id, s.room_name, s.conversation_id, s.status, s.expires_at, true
      from public.avatar_sessions as s
     where s.user_id = p_user_id
       and s.scenario_id = p_scenario_id
       and s.status in ('starting', 'live');
  if found then
    return;
  end if;

  -- A session of this scenario that is still shutting down blocks a new one
  -- (the partial unique index would reject the insert).
  if exists (
    select 1 from public.avatar_sessions as s
     where s.user_id = p_user_id and s.scenario_id = p_scenario_id and s.status = 'ending'
  ) then
    raise exception using errcode = 'P0001', message = 'ERR_SESSION_ENDING';
  end if;

  select count(*) into v_open
    from public.avatar_sessions as s
   where s.user_id = p_user_id
     and s.status in ('starting', 'live');
  if v_open >= p_max_live then
    raise exception using errcode = 'P0001', message = 'ERR_SESSION_LIMIT';
  end if;

  return query
    insert into public.avatar_sessions as s (user_id, scenario_id, room_name, mode, expires_at)
    values (p_user_id, p_scenario_id, p_room_name, p_mode, now() + make_interval(secs => p_duration_seconds))
    returning s.id, s.room_name, s.conversation_id, s.status, s.expires_at, false;
end;
$$;

comment on function public.claim_avatar_session(uuid, text, text, text, integer, integer) is
  'Returns the open (starting/live) session of the user for the scenario with reused = true, or inserts a starting one (reused = false). Ends expired sessions first. Raises P0001 ERR_SESSION_LIMIT when the user already has p_max_live starting/live sessions, ERR_SESSION_ENDING while a session of the scenario is ending.';

-- ---------------------------------------------------------------------------
-- mark_avatar_session_live: record the Tavus conversation once it exists.
-- ---------------------------------------------------------------------------
create or replace function public.mark_avatar_session_live(p_session_id uuid, p_conversation_id text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with changed as (
    update public.avatar_sessions as s
       set conversation_id = p_conversation_id, status = 'live'
     where s.id = p_session_id
       and s.status = 'starting'
    returning 1
  )
  select exists (select 1 from changed);
$$;

comment on function public.mark_avatar_session_live(uuid, text) is
  'starting -> live with the conversation id. True only when this call changed the row.';

-- ---------------------------------------------------------------------------
-- end_avatar_session: starting/live/ending -> ended (or failed), exactly once.
-- ---------------------------------------------------------------------------
create or replace function public.end_avatar_session(p_session_id uuid, p_reason text)
returns table (id uuid, conversation_id text, room_name text, user_id uuid)
language sql
volatile
security definer
set search_path = ''
as $$
  -- The status condition is re-checked after a concurrent update commits, so of two
  -- racing calls only one gets the row back (and ends the Tavus conversation).
  update public.avatar_sessions as s
     set status = case when p_reason like 'failed%' then 'failed' else 'ended' end,
         end_reason = left(p_reason, 200),
         ended_at = now()
   where s.id = p_session_id
     and s.status in ('starting', 'live', 'ending')
  returning s.id, s.conversation_id, s.room_name, s.user_id;
$$;

comment on function public.end_avatar_session(uuid, text) is
  'Ends an open session (status failed when p_reason starts with ''failed'', else ended). Returns the row only to the call that performed the transition; no row otherwise.';

-- ---------------------------------------------------------------------------
-- end_avatar_sessions_for_room: the same, for the session of a LiveKit room.
-- ---------------------------------------------------------------------------
create or replace function public.end_avatar_sessions_for_room(p_room_name text, p_reason text)
returns table (id uuid, conversation_id text, room_name text, user_id uuid)
language sql
volatile
security definer
set search_path = ''
as $$
  select ended.id, ended.conversation_id, ended.room_name, ended.user_id
    from public.avatar_sessions as s
   cross join lateral public.end_avatar_session(s.id, p_reason) as ended
   where s.room_name = p_room_name;
$$;

comment on function public.end_avatar_sessions_for_room(text, text) is
  'end_avatar_session for the (at most one) session of the room; same exactly-once semantics.';

-- ---------------------------------------------------------------------------
-- record_webhook_event: idempotency key for LiveKit webhooks.
-- ---------------------------------------------------------------------------
create or replace function public.record_webhook_event(p_event_id text, p_event text, p_room_name text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with inserted as (
    insert into public.livekit_webhook_events (event_id, event, room_name)
    values (p_event_id, p_event, p_room_name)
    on conflict (event_id) do nothing
    returning 1
  )
  select exists (select 1 from inserted);
$$;

comment on function public.record_webhook_event(text, text, text) is
  'True when the event id is recorded for the first time, false for a redelivery.';

-- ---------------------------------------------------------------------------
-- Execute: service_role only (functions are executable by PUBLIC by default).
-- ---------------------------------------------------------------------------
revoke all on function public.claim_avatar_session(uuid, text, text, text, integer, integer) from public, anon, authenticated;
revoke all on function public.mark_avatar_session_live(uuid, text) from public, anon, authenticated;
revoke all on function public.end_avatar_session(uuid, text) from public, anon, authenticated;
revoke all on function public.end_avatar_sessions_for_room(text, text) from public, anon, authenticated;
revoke all on function public.record_webhook_event(text, text, text) from public, anon, authenticated;

grant execute on function public.claim_avatar_session(uuid, text, text, text, integer, integer) to service_role;
grant execute on function public.mark_avatar_session_live(uuid, text) to service_role;
grant execute on function public.end_avatar_session(uuid, text) to service_role;
grant execute on function public.end_avatar_sessions_for_room(text, text) to service_role;
grant execute on function public.record_webhook_event(text, text, text) to service_role;
