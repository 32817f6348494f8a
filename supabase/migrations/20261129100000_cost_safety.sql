-- Cost safety: no billed Tavus conversation outlives its session, whatever fails.
--
-- 1. A deployment marker, random per database, that every conversation name carries
--    (`lte:<marker>:<session id>:<scenario>`), so the reconciler recognises the conversations
--    this deployment created (and only those), even one whose create answer was lost.
-- 2. An obligation on each session row: `tavus_end_pending` is set in the same statement that
--    ends a session that may still have a running conversation, and cleared only once Tavus
--    confirmed the end (or the reconciler found nothing running). A failed end is retried with
--    backoff; pending rows count toward the per-user cap until the session's expiry.
-- 3. The reconciler's RPCs and a lease, so two runs at once do the work once.
-- 4. `reconcile_tick()`, the Supabase Cron job that posts to the `reconcile` function every
--    minute (pg_cron + pg_net; URL and key in Vault).
--
-- All functions: security definer, empty search_path, executable by service_role only.
-- Idempotent like the earlier migrations (`if not exists`, `create or replace`).

-- ---------------------------------------------------------------------------
-- 1. The deployment marker.
-- ---------------------------------------------------------------------------
create table if not exists public.avatar_deployment (
  singleton boolean primary key default true
    constraint avatar_deployment_singleton check (singleton),
  marker text not null default substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)
    constraint avatar_deployment_marker_format check (marker ~ '^[0-9a-f]{12}$'),
  created_at timestamptz not null default now()
);

comment on table public.avatar_deployment is
  'One row: the random marker in the name of every Tavus conversation this deployment creates. Never change it while conversations run.';

insert into public.avatar_deployment (singleton) values (true) on conflict (singleton) do nothing;

alter table public.avatar_deployment enable row level security;
revoke all on table public.avatar_deployment from public, anon, authenticated, service_role;
grant select on table public.avatar_deployment to service_role;

-- ---------------------------------------------------------------------------
-- 2. The Tavus-end obligation on sessions.
-- ---------------------------------------------------------------------------
alter table public.avatar_sessions
  add column if not exists tavus_end_pending boolean not null default false,
  add column if not exists tavus_end_attempts integer not null default 0,
  add column if not exists tavus_end_error text,
  add column if not exists tavus_end_next_at timestamptz,
  add column if not exists room_checked boolean not null default false;

comment on column public.avatar_sessions.tavus_end_pending is
  'The session is over but its Tavus conversation may still run (its end failed, or its create answer was lost): the reconciler retries until Tavus confirms.';
comment on column public.avatar_sessions.room_checked is
  'The reconciler saw that the room of this ended session no longer exists (or deleted it).';

do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_constraint
     where conname = 'avatar_sessions_tavus_end_pending_when_over'
       and conrelid = 'public.avatar_sessions'::regclass
  ) then
    alter table public.avatar_sessions
      add constraint avatar_sessions_tavus_end_pending_when_over
        check (not tavus_end_pending or status in ('ended', 'failed'));
  end if;
  if not exists (
    select 1 from pg_catalog.pg_constraint
     where conname = 'avatar_sessions_tavus_end_error_length'
       and conrelid = 'public.avatar_sessions'::regclass
  ) then
    alter table public.avatar_sessions
      add constraint avatar_sessions_tavus_end_error_length
        check (char_length(tavus_end_error) <= 100);
  end if;
end;
$$;

-- Ends due for a retry, oldest first.
create index if not exists avatar_sessions_tavus_end_pending
  on public.avatar_sessions (tavus_end_next_at nulls first)
  where tavus_end_pending;
-- Open sessions by expiry (the reconciler's sweep and room check).
create index if not exists avatar_sessions_open_expires
  on public.avatar_sessions (expires_at)
  where status in ('starting', 'live', 'ending');
-- Recently ended sessions whose room has not been seen gone.
create index if not exists avatar_sessions_room_unchecked
  on public.avatar_sessions (ended_at)
  where status in ('ended', 'failed') and not room_checked;

-- ---------------------------------------------------------------------------
-- The deployment marker, for conversation names.
-- ---------------------------------------------------------------------------
create or replace function public.avatar_deployment_marker()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select d.marker from public.avatar_deployment as d where d.singleton;
$$;

comment on function public.avatar_deployment_marker() is
  'The marker every conversation name of this deployment carries (lte:<marker>:<session id>:<scenario>).';

-- ---------------------------------------------------------------------------
-- end_avatar_session: as before, and records the obligation to end the conversation.
-- A session with a conversation id, or a direct-mode session still starting (its create may
-- have reached Tavus without an answer), may have a running conversation: pending.
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
         ended_at = now(),
         tavus_end_pending = s.conversation_id is not null
           or (s.status = 'starting' and s.mode = 'direct'),
         tavus_end_next_at = null
   where s.id = p_session_id
     and s.status in ('starting', 'live', 'ending')
  returning s.id, s.conversation_id, s.room_name, s.user_id;
$$;

comment on function public.end_avatar_session(uuid, text) is
  'Ends an open session (status failed when p_reason starts with ''failed'', else ended) and marks its Tavus end pending when a conversation may run. Returns the row only to the call that performed the transition; no row otherwise.';

-- ---------------------------------------------------------------------------
-- claim_avatar_session: as before; ends expired sessions with the obligation, and counts
-- sessions whose conversation may still run (pending, not yet expired) toward the cap.
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
  v_pending integer;
begin
  if p_user_id is null or p_max_live is null or p_duration_seconds is null or p_duration_seconds < 1 then
    raise exception using errcode = '22023', message = 'ERR_INVALID_ARGUMENT',
      detail = 'p_user_id, p_max_live and a positive p_duration_seconds are required';
  end if;

  -- Serialise claims of one user across all instances (released at commit).
  perform pg_advisory_xact_lock(hashtextextended(p_user_id::text, 0));

  -- Sessions nobody ended are over once expired (their conversation stopped at
  -- max_call_duration; the reconciler confirms).
  update public.avatar_sessions as s
     set status = 'ended', end_reason = 'expired', ended_at = now(),
         tavus_end_pending = s.conversation_id is not null
           or (s.status = 'starting' and s.mode = 'direct')
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

  if exists (
    select 1 from public.avatar_sessions as s
     where s.user_id = p_user_id and s.scenario_id = p_scenario_id and s.status = 'ending'
  ) then
    raise exception using errcode = 'P0001', message = 'ERR_SESSION_ENDING';
  end if;

  select count(*) filter (where s.status in ('starting', 'live')),
         count(*) filter (where s.tavus_end_pending and s.expires_at > now())
    into v_open, v_pending
    from public.avatar_sessions as s
   where s.user_id = p_user_id
     and (s.status in ('starting', 'live') or s.tavus_end_pending);
  if v_open >= p_max_live then
    raise exception using errcode = 'P0001', message = 'ERR_SESSION_LIMIT';
  end if;
  -- A conversation that may still run counts too: retries after lost answers cannot
  -- run more avatars than the cap.
  if v_open + v_pending >= p_max_live then
    raise exception using errcode = 'P0001', message = 'ERR_SESSION_CLEANUP_PENDING';
  end if;

  return query
    insert into public.avatar_sessions as s (user_id, scenario_id, room_name, mode, expires_at)
    values (p_user_id, p_scenario_id, p_room_name, p_mode, now() + make_interval(secs => p_duration_seconds))
    returning s.id, s.room_name, s.conversation_id, s.status, s.expires_at, false;
end;
$$;

comment on function public.claim_avatar_session(uuid, text, text, text, integer, integer) is
  'Returns the open (starting/live) session of the user for the scenario with reused = true, or inserts a starting one (reused = false). Ends expired sessions first. Raises P0001 ERR_SESSION_LIMIT when the user already has p_max_live starting/live sessions, ERR_SESSION_CLEANUP_PENDING when sessions whose conversation may still run fill the rest of the cap, ERR_SESSION_ENDING while a session of the scenario is ending.';

-- ---------------------------------------------------------------------------
-- settle_tavus_end: Tavus confirmed the end (or nothing runs): clear the obligation.
-- p_conversation_id is the conversation that was ended (null: none was found); a row that
-- records another conversation keeps its obligation.
-- ---------------------------------------------------------------------------
create or replace function public.settle_tavus_end(p_session_id uuid, p_conversation_id text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with changed as (
    update public.avatar_sessions as s
       set tavus_end_pending = false, tavus_end_error = null, tavus_end_next_at = null
     where s.id = p_session_id
       and s.tavus_end_pending
       and (s.conversation_id is null or s.conversation_id = p_conversation_id)
    returning 1
  )
  select exists (select 1 from changed);
$$;

comment on function public.settle_tavus_end(uuid, text) is
  'Clears tavus_end_pending once the conversation (p_conversation_id, or none) is known ended. True when this call cleared it.';

-- ---------------------------------------------------------------------------
-- record_tavus_end_failure: an end attempt failed; retry later (30 s, 60 s, ... 15 min).
-- ---------------------------------------------------------------------------
create or replace function public.record_tavus_end_failure(p_session_id uuid, p_code text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with changed as (
    update public.avatar_sessions as s
       set tavus_end_attempts = s.tavus_end_attempts + 1,
           tavus_end_error = left(p_code, 100),
           tavus_end_next_at = now() + make_interval(
             secs => least(900, 30 * power(2, least(s.tavus_end_attempts, 5))::integer))
     where s.id = p_session_id
       and s.tavus_end_pending
    returning 1
  )
  select exists (select 1 from changed);
$$;

comment on function public.record_tavus_end_failure(uuid, text) is
  'Counts a failed Tavus end (error code, next attempt after 30 s doubling up to 15 min). True when the row is still pending.';

-- ---------------------------------------------------------------------------
-- The reconciler's reads. Ages are computed by the database clock.
-- ---------------------------------------------------------------------------
create or replace function public.reconcile_sessions(p_ids uuid[])
returns table (
  id uuid,
  status text,
  mode text,
  conversation_id text,
  room_name text,
  age_seconds double precision,
  ended_age_seconds double precision,
  expired boolean,
  tavus_end_pending boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select s.id, s.status, s.mode, s.conversation_id, s.room_name,
         extract(epoch from now() - s.created_at)::double precision,
         extract(epoch from now() - s.ended_at)::double precision,
         s.expires_at <= now(),
         s.tavus_end_pending
    from public.avatar_sessions as s
   where s.id = any (p_ids);
$$;

comment on function public.reconcile_sessions(uuid[]) is
  'The reconciler''s view of the given sessions (ages by the database clock).';

create or replace function public.reconcile_tavus_pending(p_limit integer)
returns table (
  id uuid,
  status text,
  mode text,
  conversation_id text,
  room_name text,
  age_seconds double precision,
  ended_age_seconds double precision,
  expired boolean,
  tavus_end_pending boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select s.id, s.status, s.mode, s.conversation_id, s.room_name,
         extract(epoch from now() - s.created_at)::double precision,
         extract(epoch from now() - s.ended_at)::double precision,
         s.expires_at <= now(),
         s.tavus_end_pending
    from public.avatar_sessions as s
   where s.tavus_end_pending
     and (s.tavus_end_next_at is null or s.tavus_end_next_at <= now())
   order by s.tavus_end_next_at nulls first, s.ended_at
   limit greatest(0, least(coalesce(p_limit, 100), 1000));
$$;

comment on function public.reconcile_tavus_pending(integer) is
  'Sessions whose Tavus end is pending and due, oldest first.';

-- Open sessions (their room should exist) and recently ended ones whose room was not yet
-- seen gone (it should not exist: an agent or avatar may still be in it).
create or replace function public.reconcile_room_candidates(p_limit integer)
returns table (
  id uuid,
  status text,
  mode text,
  room_name text,
  age_seconds double precision
)
language sql
stable
security definer
set search_path = ''
as $$
  (select s.id, s.status, s.mode, s.room_name,
          extract(epoch from now() - s.created_at)::double precision
     from public.avatar_sessions as s
    where s.status in ('starting', 'live')
    order by s.expires_at
    limit greatest(0, least(coalesce(p_limit, 100), 1000)))
  union all
  (select s.id, s.status, s.mode, s.room_name,
          extract(epoch from now() - s.created_at)::double precision
     from public.avatar_sessions as s
    where s.status in ('ended', 'failed')
      and not s.room_checked
      and s.ended_at > now() - interval '2 hours'
    order by s.ended_at desc
    limit greatest(0, least(coalesce(p_limit, 100), 1000)));
$$;

comment on function public.reconcile_room_candidates(integer) is
  'Open sessions, and sessions ended in the last 2 hours whose room was not yet seen gone.';

create or replace function public.mark_rooms_checked(p_ids uuid[])
returns integer
language sql
volatile
security definer
set search_path = ''
as $$
  with changed as (
    update public.avatar_sessions as s
       set room_checked = true
     where s.id = any (p_ids)
       and s.status in ('ended', 'failed')
       and not s.room_checked
    returning 1
  )
  select count(*)::integer from changed;
$$;

comment on function public.mark_rooms_checked(uuid[]) is
  'Records that the rooms of these ended sessions are gone.';

-- Ends open sessions past their expiry (all users; claim only sweeps the caller's).
create or replace function public.reconcile_expire_sessions(p_limit integer)
returns table (id uuid, conversation_id text, room_name text, user_id uuid)
language sql
volatile
security definer
set search_path = ''
as $$
  select ended.id, ended.conversation_id, ended.room_name, ended.user_id
    from (
      select s.id
        from public.avatar_sessions as s
       where s.status in ('starting', 'live', 'ending')
         and s.expires_at < now()
       order by s.expires_at
       limit greatest(0, least(coalesce(p_limit, 100), 1000))
    ) as due
   cross join lateral public.end_avatar_session(due.id, 'expired') as ended;
$$;

comment on function public.reconcile_expire_sessions(integer) is
  'Ends open sessions whose expires_at passed, returning the rows this call ended.';

-- ---------------------------------------------------------------------------
-- 3. The lease and the last run's report.
-- ---------------------------------------------------------------------------
create table if not exists public.reconciler_runs (
  singleton boolean primary key default true
    constraint reconciler_runs_singleton check (singleton),
  holder text,
  lease_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_ok boolean,
  last_summary jsonb
);

comment on table public.reconciler_runs is
  'The reconciler''s lease (one run at a time across instances) and its last report. service_role only.';

insert into public.reconciler_runs (singleton) values (true) on conflict (singleton) do nothing;

alter table public.reconciler_runs enable row level security;
revoke all on table public.reconciler_runs from public, anon, authenticated, service_role;
grant select on table public.reconciler_runs to service_role;

create or replace function public.acquire_reconcile_lease(p_holder text, p_ttl_seconds integer)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with taken as (
    update public.reconciler_runs as r
       set holder = p_holder,
           lease_until = now() + make_interval(secs => greatest(1, least(coalesce(p_ttl_seconds, 120), 3600))),
           last_started_at = now()
     where r.singleton
       and p_holder is not null
       and (r.holder is null or r.lease_until is null or r.lease_until < now() or r.holder = p_holder)
    returning 1
  )
  select exists (select 1 from taken);
$$;

comment on function public.acquire_reconcile_lease(text, integer) is
  'Takes the reconciler lease for p_ttl_seconds unless another holder has it. True when taken.';

create or replace function public.finish_reconcile_run(p_holder text, p_ok boolean, p_summary jsonb)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with released as (
    update public.reconciler_runs as r
       set holder = null, lease_until = null,
           last_finished_at = now(), last_ok = p_ok, last_summary = p_summary
     where r.singleton and r.holder = p_holder
    returning 1
  )
  select exists (select 1 from released);
$$;

comment on function public.finish_reconcile_run(text, boolean, jsonb) is
  'Releases the lease held by p_holder and records the run''s report. False when the lease was lost.';

create or replace function public.reconcile_status()
returns table (
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_ok boolean,
  last_summary jsonb,
  running boolean,
  seconds_since_finished double precision,
  pending_tavus_ends integer,
  oldest_pending_seconds double precision
)
language sql
stable
security definer
set search_path = ''
as $$
  select r.last_started_at, r.last_finished_at, r.last_ok, r.last_summary,
         r.holder is not null and r.lease_until > now(),
         extract(epoch from now() - r.last_finished_at)::double precision,
         (select count(*)::integer from public.avatar_sessions as s where s.tavus_end_pending),
         (select extract(epoch from now() - min(s.ended_at))::double precision
            from public.avatar_sessions as s where s.tavus_end_pending)
    from public.reconciler_runs as r
   where r.singleton;
$$;

comment on function public.reconcile_status() is
  'The reconciler''s last run and the Tavus ends still pending (for GET /health).';

-- ---------------------------------------------------------------------------
-- 4. The cron job: POST {} to the reconcile function every minute.
-- Vault holds RECONCILE_URL (https://<project>.supabase.co/functions/v1/reconcile) and
-- RECONCILE_KEY (a secret or service-role key). Requires pg_net (net.http_post).
-- ---------------------------------------------------------------------------
create or replace function public.reconcile_tick()
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_key text;
  v_request bigint;
begin
  select d.decrypted_secret into v_url
    from vault.decrypted_secrets as d where d.name = 'RECONCILE_URL'
   order by d.created_at desc limit 1;
  select d.decrypted_secret into v_key
    from vault.decrypted_secrets as d where d.name = 'RECONCILE_KEY'
   order by d.created_at desc limit 1;
  if v_url is null or v_key is null then
    raise exception using errcode = 'P0001', message = 'ERR_RECONCILE_NOT_CONFIGURED',
      detail = 'put RECONCILE_URL and RECONCILE_KEY in Vault (docs/reconciler.md)';
  end if;
  select net.http_post(
    url := v_url,
    body := '{}'::jsonb,
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || v_key
    ),
    timeout_milliseconds := 55000
  ) into v_request;
  return v_request;
end;
$$;

comment on function public.reconcile_tick() is
  'The Supabase Cron job: posts {} to RECONCILE_URL with RECONCILE_KEY (both from Vault) through pg_net. Returns pg_net''s request id.';

-- ---------------------------------------------------------------------------
-- Execute: service_role only.
-- ---------------------------------------------------------------------------
revoke all on function public.avatar_deployment_marker() from public, anon, authenticated;
revoke all on function public.settle_tavus_end(uuid, text) from public, anon, authenticated;
revoke all on function public.record_tavus_end_failure(uuid, text) from public, anon, authenticated;
revoke all on function public.reconcile_sessions(uuid[]) from public, anon, authenticated;
revoke all on function public.reconcile_tavus_pending(integer) from public, anon, authenticated;
revoke all on function public.reconcile_room_candidates(integer) from public, anon, authenticated;
revoke all on function public.mark_rooms_checked(uuid[]) from public, anon, authenticated;
revoke all on function public.reconcile_expire_sessions(integer) from public, anon, authenticated;
revoke all on function public.acquire_reconcile_lease(text, integer) from public, anon, authenticated;
revoke all on function public.finish_reconcile_run(text, boolean, jsonb) from public, anon, authenticated;
revoke all on function public.reconcile_status() from public, anon, authenticated;
revoke all on function public.reconcile_tick() from public, anon, authenticated;
revoke all on function public.end_avatar_session(uuid, text) from public, anon, authenticated;
revoke all on function public.claim_avatar_session(uuid, text, text, text, integer, integer) from public, anon, authenticated;

grant execute on function public.avatar_deployment_marker() to service_role;
grant execute on function public.settle_tavus_end(uuid, text) to service_role;
grant execute on function public.record_tavus_end_failure(uuid, text) to service_role;
grant execute on function public.reconcile_sessions(uuid[]) to service_role;
grant execute on function public.reconcile_tavus_pending(integer) to service_role;
grant execute on function public.reconcile_room_candidates(integer) to service_role;
grant execute on function public.mark_rooms_checked(uuid[]) to service_role;
grant execute on function public.reconcile_expire_sessions(integer) to service_role;
grant execute on function public.acquire_reconcile_lease(text, integer) to service_role;
grant execute on function public.finish_reconcile_run(text, boolean, jsonb) to service_role;
grant execute on function public.reconcile_status() to service_role;
grant execute on function public.reconcile_tick() to service_role;
grant execute on function public.end_avatar_session(uuid, text) to service_role;
grant execute on function public.claim_avatar_session(uuid, text, text, text, integer, integer) to service_role;

-- ---------------------------------------------------------------------------
-- Schedule it. On Supabase pg_cron and pg_net are available and enabled here. Elsewhere
-- (a plain PostgreSQL without pg_cron in shared_preload_libraries) the schedule is skipped
-- with a warning: GET /health then reports the reconciler as not running.
-- ---------------------------------------------------------------------------
do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    begin
      create extension if not exists pg_net;
    exception when others then
      raise warning 'pg_net could not be enabled (%): enable it, then the reconcile job can post', sqlerrm;
    end;
  end if;
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
    begin
      create extension if not exists pg_cron;
    exception when others then
      raise warning 'pg_cron could not be enabled (%): schedule select public.reconcile_tick() every minute yourself', sqlerrm;
    end;
  end if;
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('livekit-tavus-edge-reconcile', '* * * * *', 'select public.reconcile_tick()');
  else
    raise warning 'pg_cron is not installed: the reconciler is not scheduled (docs/reconciler.md)';
  end if;
end;
$$;
