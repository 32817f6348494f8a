-- Session RPCs and webhook idempotency, called as service_role like the edge functions do.
begin;
select plan(36);

insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-0000000000e1', 'rpc-one@example.test'),
  ('00000000-0000-4000-8000-0000000000e2', 'rpc-two@example.test'),
  ('00000000-0000-4000-8000-0000000000e3', 'rpc-three@example.test');
insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt)
  select s, s, 'r0a1', 'p' from unnest(array['rpc-one', 'rpc-two', 'rpc-three']) as s;
insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt, created_at, updated_at)
  values ('rpc-aged', 'Old', 'r0a1', 'p', '2001-01-01', '2001-01-01');

-- Expired but never ended: user e2 on rpc-one, user e3 on rpc-two.
insert into public.avatar_sessions (user_id, scenario_id, room_name, mode, status, created_at, updated_at, expires_at)
  select u, sc, room, 'direct', st, now() - interval '2 hours', now() - interval '2 hours', now() - ago
    from (values
      ('00000000-0000-4000-8000-0000000000e2'::uuid, 'rpc-one', 'rpc-room-stale-e2', 'live', interval '1 hour'),
      ('00000000-0000-4000-8000-0000000000e3', 'rpc-two', 'rpc-room-stale-e3', 'starting', interval '1 second')
    ) as v(u, sc, room, st, ago);

set local role service_role;
set local request.jwt.claims = '{"role":"service_role"}';

-- ---------------------------------------------------------------------------
-- claim: new, reused, cap.
-- ---------------------------------------------------------------------------
select id as s1, reused as s1_reused, status as s1_status, expires_at = now() + interval '600 seconds' as s1_expiry_ok
  from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-one', 'rpc-room-1', 'direct', 2, 600) \gset
select is(:'s1_reused'::boolean, false, 'a first claim creates a session');
select is(:'s1_status'::text, 'starting', 'a new session starts as starting');
select ok(:'s1_expiry_ok'::boolean, 'a new session expires after the requested duration');

select results_eq(
  $$ select id, room_name, reused
       from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-one', 'rpc-room-1b', 'agent', 2, 600) $$,
  format($$ values (%L::uuid, 'rpc-room-1', true) $$, :'s1'),
  'a second claim for the same user and scenario returns the open session (reused)');
select is_empty($$ select 1 from public.avatar_sessions where room_name = 'rpc-room-1b' $$,
                'reusing does not create another session');

select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-two',
                    'rpc-room-2', 'direct', 1, 600) $$,
                 'P0001', 'ERR_SESSION_LIMIT', 'a claim beyond the per-user cap is refused');
select id as s2, reused as s2_reused
  from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-two', 'rpc-room-2', 'agent', 2, 600) \gset
select is(:'s2_reused'::boolean, false, 'a claim for another scenario within the cap creates a session');
select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-three',
                    'rpc-room-3', 'direct', 2, 600) $$,
                 'P0001', 'ERR_SESSION_LIMIT', 'the cap counts starting sessions of every scenario');
select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-three',
                    'rpc-room-3', 'direct', null, 600) $$,
                 '22023', 'ERR_INVALID_ARGUMENT', 'a claim without a cap is refused');

-- ---------------------------------------------------------------------------
-- mark live.
-- ---------------------------------------------------------------------------
select is(public.mark_avatar_session_live(:'s1', 'c1a2b3'), true, 'mark live changes a starting session');
select is(public.mark_avatar_session_live(:'s1', 'c9z9z9'), false, 'mark live of a live session changes nothing');
select is(public.mark_avatar_session_live(gen_random_uuid(), 'c4d5e6'), false, 'mark live of an unknown session is false');
select results_eq(
  format($$ select status, conversation_id from public.avatar_sessions where id = %L $$, :'s1'),
  $$ values ('live', 'c1a2b3') $$,
  'the session is live with the first conversation id');
select results_eq(
  $$ select conversation_id, status, reused
       from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-one', 'rpc-room-1c', 'direct', 2, 600) $$,
  $$ values ('c1a2b3', 'live', true) $$,
  'a claim while the session is live returns it with its conversation');

-- ---------------------------------------------------------------------------
-- end exactly once.
-- ---------------------------------------------------------------------------
select results_eq(
  format($$ select * from public.end_avatar_session(%L, 'user_left') $$, :'s1'),
  format($$ values (%L::uuid, 'c1a2b3', 'rpc-room-1', '00000000-0000-4000-8000-0000000000e1'::uuid) $$, :'s1'),
  'the first end returns the session so the caller ends the Tavus conversation');
select is_empty(format($$ select * from public.end_avatar_session(%L, 'user_left') $$, :'s1'),
                'a second end returns nothing');
select results_eq(
  format($$ select status, end_reason, ended_at = now() from public.avatar_sessions where id = %L $$, :'s1'),
  $$ values ('ended', 'user_left', true) $$,
  'an ended session has status ended, its reason and ended_at');
select is_empty($$ select * from public.end_avatar_session(gen_random_uuid(), 'user_left') $$,
                'ending an unknown session returns nothing');

-- The function settles the Tavus end once Tavus confirmed it (until then the ended session's
-- conversation may run and counts toward the cap: 08_cost_safety.test.sql).
select is(public.settle_tavus_end(:'s1', 'c1a2b3'), true, 'the confirmed Tavus end is settled');
select isnt(id, :'s1'::uuid, 'after the end a claim starts a new session')
  from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-one', 'rpc-room-1d', 'direct', 2, 600);

select results_eq(
  $$ select id, room_name from public.end_avatar_sessions_for_room('rpc-room-2', 'failed: tavus 500') $$,
  format($$ values (%L::uuid, 'rpc-room-2') $$, :'s2'),
  'ending by room returns the room''s session');
select is_empty($$ select * from public.end_avatar_sessions_for_room('rpc-room-2', 'room_finished') $$,
                'ending the same room again returns nothing');
select results_eq($$ select status, end_reason from public.avatar_sessions where room_name = 'rpc-room-2' $$,
                  $$ values ('failed', 'failed: tavus 500') $$,
                  'a reason starting with failed marks the session failed');
select is_empty($$ select * from public.end_avatar_sessions_for_room('rpc-room-none', 'room_finished') $$,
                'ending a room without a session returns nothing');
select id as ended_1d from public.end_avatar_sessions_for_room('rpc-room-1d', repeat('r', 300)) \gset
select is((select char_length(end_reason) from public.avatar_sessions where id = :'ended_1d'), 200,
          'a long end reason is cut to 200 characters');

-- A session of the scenario still shutting down blocks a new one; it can still be ended.
select id as s3 from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-three',
                                                 'rpc-room-3', 'direct', 2, 600) \gset
update public.avatar_sessions set status = 'ending' where id = :'s3';
select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e1', 'rpc-three',
                    'rpc-room-3b', 'direct', 2, 600) $$,
                 'P0001', 'ERR_SESSION_ENDING', 'a claim while the scenario''s session is ending is refused');
select isnt_empty($$ select * from public.end_avatar_sessions_for_room('rpc-room-3', 'user_left') $$,
                  'an ending session can be ended');

-- ---------------------------------------------------------------------------
-- Expiry.
-- ---------------------------------------------------------------------------
select results_eq(
  $$ select room_name, reused
       from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e2', 'rpc-one', 'rpc-room-e2', 'direct', 1, 600) $$,
  $$ values ('rpc-room-e2', false) $$,
  'an expired session is not reused');
select results_eq($$ select status, end_reason, ended_at is not null from public.avatar_sessions
                      where room_name = 'rpc-room-stale-e2' $$,
                  $$ values ('ended', 'expired', true) $$,
                  'the claim ended the expired session with reason expired');
select lives_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000e3', 'rpc-one',
                   'rpc-room-e3', 'direct', 1, 600) $$,
                'an expired session of another scenario does not count against the cap');

-- ---------------------------------------------------------------------------
-- Webhook idempotency.
-- ---------------------------------------------------------------------------
select is(public.record_webhook_event('EV_rpc_1', 'room_finished', 'rpc-room-1'), true, 'a new webhook event is recorded');
select is(public.record_webhook_event('EV_rpc_1', 'room_finished', 'rpc-room-1'), false, 'a redelivered event is not');
select is(public.record_webhook_event('EV_rpc_1', 'participant_left', null), false,
          'the event id alone decides, whatever the payload');
select results_eq($$ select event, room_name from public.livekit_webhook_events where event_id = 'EV_rpc_1' $$,
                  $$ values ('room_finished', 'rpc-room-1') $$, 'the first delivery is what is kept');

-- ---------------------------------------------------------------------------
-- updated_at (inserts keep the given value; every update sets it to now()).
-- ---------------------------------------------------------------------------
select is((select updated_at from public.avatar_sessions where room_name = 'rpc-room-stale-e2'), now(),
          'updating a session (the expiry sweep) moves updated_at');
update public.avatar_configs set display_name = 'Aged' where scenario_id = 'rpc-aged';
select results_eq($$ select updated_at = now(), created_at from public.avatar_configs where scenario_id = 'rpc-aged' $$,
                  $$ values (true, '2001-01-01'::timestamptz) $$,
                  'updating a config moves updated_at and keeps created_at');

select * from finish();
rollback;
