-- Cost safety (20261129100000_cost_safety.sql): the deployment marker, the Tavus-end obligation
-- (set when a session ends, counted toward the cap, settled, retried with backoff), the
-- reconciler's reads, its lease, and the cron job's SQL against the test clusters' stand-in of
-- pg_net's net.http_post (pg_net itself is not packaged for Debian; see docs/reconciler.md).
begin;
select plan(97);

-- ---------------------------------------------------------------------------
-- Schema, grants, RLS.
-- ---------------------------------------------------------------------------
select has_table('public', 'avatar_deployment', 'table public.avatar_deployment exists');
select has_table('public', 'reconciler_runs', 'table public.reconciler_runs exists');
select ok(c.relrowsecurity, format('row level security is enabled on %s', c.relname))
  from pg_catalog.pg_class c
 where c.oid in ('public.avatar_deployment'::regclass, 'public.reconciler_runs'::regclass);
select table_privs_are('public', t, r, case when r = 'service_role' then array['SELECT'] else '{}'::text[] end,
                       format('%s has only what it needs on %s', r, t))
  from unnest(array['avatar_deployment', 'reconciler_runs']) as t,
       unnest(array['anon', 'authenticated', 'service_role']) as r;
select is((select count(*)::integer from public.avatar_deployment), 1, 'there is exactly one deployment marker');
select matches((select marker from public.avatar_deployment), '^[0-9a-f]{12}$', 'the marker is 12 hex digits');

select function_privs_are('public', f.name, f.args, r.role, r.privs,
                          format('%s may %s call %s()', r.role, case when r.privs = '{}' then 'not' else '' end, f.name))
  from (values
    ('avatar_deployment_marker', '{}'::text[]),
    ('settle_tavus_end', array['uuid', 'text']),
    ('record_tavus_end_failure', array['uuid', 'text']),
    ('reconcile_sessions', array['uuid[]']),
    ('reconcile_tavus_pending', array['integer']),
    ('reconcile_room_candidates', array['integer']),
    ('mark_rooms_checked', array['uuid[]']),
    ('reconcile_expire_sessions', array['integer']),
    ('acquire_reconcile_lease', array['text', 'integer']),
    ('finish_reconcile_run', array['text', 'boolean', 'jsonb']),
    ('reconcile_status', '{}'::text[]),
    ('reconcile_tick', '{}'::text[])
  ) as f(name, args),
  (values ('anon', '{}'::text[]), ('authenticated', '{}'::text[]), ('service_role', array['EXECUTE'])) as r(role, privs);
select ok(bool_and(p.prosecdef and p.proconfig = array['search_path=""']),
          'every cost-safety function is security definer with an empty search_path')
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname = 'public'
   and p.proname in ('avatar_deployment_marker', 'settle_tavus_end', 'record_tavus_end_failure',
     'reconcile_sessions', 'reconcile_tavus_pending', 'reconcile_room_candidates', 'mark_rooms_checked',
     'reconcile_expire_sessions', 'acquire_reconcile_lease', 'finish_reconcile_run', 'reconcile_status',
     'reconcile_tick');

-- ---------------------------------------------------------------------------
-- Fixtures.
-- ---------------------------------------------------------------------------
insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-0000000000f1', 'cost-one@example.test'),
  ('00000000-0000-4000-8000-0000000000f2', 'cost-two@example.test');
insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt)
  select s, s, 'r0a1', 'p' from unnest(array['cost-a', 'cost-b', 'cost-c']) as s;

set local role service_role;
set local request.jwt.claims = '{"role":"service_role"}';

select is(public.avatar_deployment_marker(), (select marker from public.avatar_deployment),
          'service_role reads the marker');

-- ---------------------------------------------------------------------------
-- Ending records the obligation exactly when a conversation may run.
-- ---------------------------------------------------------------------------
select id as live_s from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f1', 'cost-a', 'cost-room-a', 'direct', 2, 600) \gset
select public.mark_avatar_session_live(:'live_s', 'cf1a1a1');
select id as starting_s from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f1', 'cost-b', 'cost-room-b', 'direct', 2, 600) \gset
select results_eq(format($$ select conversation_id from public.end_avatar_session(%L, 'ended_by_user') $$, :'live_s'),
                  $$ values ('cf1a1a1') $$, 'a live session ends with its conversation id');
select results_eq(format($$ select tavus_end_pending, status from public.avatar_sessions where id = %L $$, :'live_s'),
                  $$ values (true, 'ended') $$, 'ending a session with a conversation marks its Tavus end pending');
select is((select count(*)::integer from public.end_avatar_session(:'starting_s', 'failed: ERR_TAVUS_TIMEOUT')), 1,
          'a starting session is failed (its create timed out)');
select results_eq(format($$ select tavus_end_pending, status from public.avatar_sessions where id = %L $$, :'starting_s'),
                  $$ values (true, 'failed') $$,
                  'a direct session failed while starting is pending: its create may have reached Tavus');

-- ---------------------------------------------------------------------------
-- Pending ends count toward the cap until settled (or expired).
-- ---------------------------------------------------------------------------
select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f1', 'cost-c',
                    'cost-room-c', 'direct', 2, 600) $$,
                 'P0001', 'ERR_SESSION_CLEANUP_PENDING',
                 'two conversations that may still run fill a cap of two');
select is(public.settle_tavus_end(:'live_s', 'cother1'), false,
          'settling with another conversation id does not clear the obligation');
select is(public.settle_tavus_end(:'live_s', 'cf1a1a1'), true, 'settling the ended conversation clears it');
select is(public.settle_tavus_end(:'live_s', 'cf1a1a1'), false, 'settling twice changes nothing');
select is(public.settle_tavus_end(:'starting_s', null), true,
          'a session without a conversation id is settled when nothing was found running');
select isnt((select id from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f1', 'cost-c',
              'cost-room-c', 'direct', 2, 600)), null, 'once settled the cap admits a new session');

-- Agent and none sessions have no conversation of their own: nothing pending.
select id as agent_s from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f2', 'cost-a', 'cost-room-agent', 'agent', 2, 600) \gset
select public.mark_avatar_session_live(:'agent_s', null);
select results_eq(format($$ select status, conversation_id from public.avatar_sessions where id = %L $$, :'agent_s'),
                  $$ values ('live', null::text) $$, 'an agent session goes live without a conversation id');
select is((select count(*)::integer from public.end_avatar_session(:'agent_s', 'ended_by_user')), 1,
          'the agent session ends');
select is((select tavus_end_pending from public.avatar_sessions where id = :'agent_s'), false,
          'an agent session ends without a pending Tavus end');
select throws_ok($$ update public.avatar_sessions set tavus_end_pending = true where room_name = 'cost-room-c' $$,
                 '23514', null, 'an open session cannot carry a pending Tavus end');

-- An expired pending session no longer counts (Tavus stopped it at max_call_duration).
select id as old_s from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f2', 'cost-b', 'cost-room-old', 'direct', 2, 600) \gset
select public.mark_avatar_session_live(:'old_s', 'cf2b2b2');
reset role;
update public.avatar_sessions set expires_at = now() - interval '1 second' where id = :'old_s';
set local role service_role;
select results_eq($$ select conversation_id from public.reconcile_expire_sessions(100) $$,
                  $$ values ('cf2b2b2') $$, 'the reconciler''s sweep ends an expired session and returns it');
select is((select tavus_end_pending from public.avatar_sessions where id = :'old_s'), true,
          'the expired session''s end is pending (the reconciler confirms with Tavus)');
select is_empty($$ select * from public.reconcile_expire_sessions(100) $$, 'a second sweep ends nothing');
select lives_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000f2', 'cost-c',
                    'cost-room-f2c', 'direct', 1, 600) $$,
                'an expired pending session does not count toward the cap');

-- ---------------------------------------------------------------------------
-- Failed ends back off; the reconciler sees only the due ones.
-- ---------------------------------------------------------------------------
select ok(exists (select 1 from public.reconcile_tavus_pending(100) where id = :'old_s'),
          'a pending end with no attempt yet is due');
select is(public.record_tavus_end_failure(:'old_s', 'ERR_TAVUS_UNAVAILABLE'), true, 'a failed attempt is recorded');
select results_eq(format($$ select tavus_end_attempts, tavus_end_error,
                                   tavus_end_next_at = now() + interval '30 seconds'
                              from public.avatar_sessions where id = %L $$, :'old_s'),
                  $$ values (1, 'ERR_TAVUS_UNAVAILABLE', true) $$, 'the first retry waits 30 s');
select ok(not exists (select 1 from public.reconcile_tavus_pending(100) where id = :'old_s'),
          'a backed-off end is not due yet');
select public.record_tavus_end_failure(:'old_s', 'x') from generate_series(1, 9);
select ok((select tavus_end_next_at = now() + interval '900 seconds' and tavus_end_attempts = 10
             from public.avatar_sessions where id = :'old_s'), 'the backoff stops growing at 15 minutes');
select is(public.record_tavus_end_failure(:'live_s', 'x'), false, 'a settled session records no failure');

-- ---------------------------------------------------------------------------
-- The reconciler's view of sessions and rooms.
-- ---------------------------------------------------------------------------
select results_eq(format($$ select status, mode, conversation_id, expired, tavus_end_pending, age_seconds >= 0
                              from public.reconcile_sessions(array[%L::uuid]) $$, :'old_s'),
                  $$ values ('ended', 'direct', 'cf2b2b2', true, true, true) $$,
                  'reconcile_sessions returns status, mode, conversation, expiry and the obligation');
select is_empty($$ select * from public.reconcile_sessions(array[gen_random_uuid()]) $$,
                'an unknown session id is simply absent');
select ok((select count(*) = 2 and bool_and(status in ('starting', 'live'))
             from public.reconcile_room_candidates(100) where room_name in ('cost-room-c', 'cost-room-f2c')),
          'open sessions are room candidates');
select ok(exists (select 1 from public.reconcile_room_candidates(100) where id = :'live_s'),
          'a recently ended session is a room candidate until its room is seen gone');
select is(public.mark_rooms_checked(array[:'live_s'::uuid, :'agent_s'::uuid]), 2, 'two ended rooms are marked checked');
select ok(not exists (select 1 from public.reconcile_room_candidates(100) where id = :'live_s'),
          'a checked room is no longer a candidate');
select is(public.mark_rooms_checked(array[(select id from public.avatar_sessions where room_name = 'cost-room-c')]), 0,
          'an open session''s room is never marked checked');

-- ---------------------------------------------------------------------------
-- The lease: one holder at a time, taken over once expired.
-- ---------------------------------------------------------------------------
select is(public.acquire_reconcile_lease('run-a', 60), true, 'a free lease is taken');
select is(public.acquire_reconcile_lease('run-b', 60), false, 'a held lease is refused to another holder');
select is(public.acquire_reconcile_lease('run-a', 60), true, 'the holder may renew it');
select is((select running from public.reconcile_status()), true, 'reconcile_status shows a run in progress');
select is(public.finish_reconcile_run('run-b', true, '{}'), false, 'another holder cannot release it');
select is(public.finish_reconcile_run('run-a', true, '{"ended": 1}'), true, 'the holder releases it with its report');
select results_eq($$ select last_ok, last_summary, running, seconds_since_finished >= 0 from public.reconcile_status() $$,
                  $$ values (true, '{"ended": 1}'::jsonb, false, true) $$, 'the last report is kept');
select is(public.acquire_reconcile_lease('run-b', 60), true, 'a released lease is taken by the next run');
reset role;
update public.reconciler_runs set lease_until = now() - interval '1 second';
set local role service_role;
select is(public.acquire_reconcile_lease('run-c', 60), true, 'an expired lease (a run that died) is taken over');
select is(public.finish_reconcile_run('run-b', false, '{}'), false, 'the run that lost its lease cannot report');
select is((select pending_tavus_ends from public.reconcile_status()), 1, 'reconcile_status counts pending ends');

-- ---------------------------------------------------------------------------
-- The cron job's SQL, against a recording stand-in with pg_net's signature.
-- ---------------------------------------------------------------------------
reset role;
select throws_ok($$ select public.reconcile_tick() $$, 'P0001', 'ERR_RECONCILE_NOT_CONFIGURED',
                 'without its Vault secrets the job fails visibly');
-- The test clusters have pg_net's API as a stand-in that queues each request in
-- net.http_request_queue and sends nothing (supabase/tests/support/supabase_init.sql).
select vault.create_secret('https://abc.supabase.co/functions/v1/reconcile', 'RECONCILE_URL', 'reconcile function');
select vault.create_secret('sb_secret_cron_test_key_0123456789', 'RECONCILE_KEY', 'key for the reconcile job');
select isnt(public.reconcile_tick(), null, 'the job returns pg_net''s request id');
select results_eq(
  $$ select method, url, convert_from(body, 'utf8')::jsonb, headers, timeout_milliseconds
       from net.http_request_queue $$,
  $$ values ('POST', 'https://abc.supabase.co/functions/v1/reconcile', '{}'::jsonb,
             '{"Content-Type": "application/json", "Authorization": "Bearer sb_secret_cron_test_key_0123456789"}'::jsonb,
             55000) $$,
  'the job posts {} to the Vault URL with the Vault key as Bearer');
select ok(not exists (select 1 from pg_catalog.pg_proc where proname = 'get_edge_secrets'
                        and pg_get_functiondef(oid) like '%RECONCILE_KEY%'),
          'the reconcile key is not readable through the edge functions'' Vault bridge');

-- The schedule, where pg_cron is installed (it needs shared_preload_libraries).
select case when exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron')
  then results_eq($$ select schedule, command from cron.job where jobname = 'livekit-tavus-edge-reconcile' $$,
                  $$ values ('* * * * *', 'select public.reconcile_tick()') $$,
                  'pg_cron runs the job every minute')
  else skip('pg_cron is not loaded in this cluster (tests/cost/cost_safety.ts runs it)', 1)
end;

select * from finish();
rollback;
