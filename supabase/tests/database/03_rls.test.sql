-- Row level security and grants, exercised as the API roles PostgREST switches to.
begin;
select plan(26);

-- Fixtures, as the table owner.
insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-0000000000a1', 'rls-alice@example.test'),
  ('00000000-0000-4000-8000-0000000000b2', 'rls-bob@example.test');

insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt, enabled) values
  ('rls-visible', 'Visible', 'r0a1', 'p', true),
  ('rls-hidden', 'Hidden', 'r0a1', 'p', false);

insert into public.avatar_sessions (user_id, scenario_id, room_name, mode, expires_at) values
  ('00000000-0000-4000-8000-0000000000a1', 'rls-visible', 'rls-room-alice', 'direct', now() + interval '1 hour'),
  ('00000000-0000-4000-8000-0000000000b2', 'rls-visible', 'rls-room-bob', 'agent', now() + interval '1 hour');

-- What a signed-in user should see, computed without RLS.
create temp table expected_configs on commit drop as
  select scenario_id from public.avatar_configs where enabled;
grant select on expected_configs to authenticated;

-- ---------------------------------------------------------------------------
-- anon: nothing at all.
-- ---------------------------------------------------------------------------
set local role anon;
set local request.jwt.claims = '{"role":"anon"}';

select throws_ok($$ select * from public.avatar_configs $$, '42501',
                 'permission denied for table avatar_configs', 'anon cannot read avatar_configs');
select throws_ok($$ select * from public.avatar_sessions $$, '42501',
                 'permission denied for table avatar_sessions', 'anon cannot read avatar_sessions');
select throws_ok($$ select * from public.livekit_webhook_events $$, '42501',
                 'permission denied for table livekit_webhook_events', 'anon cannot read livekit_webhook_events');
select throws_ok($$ insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt)
                    values ('anon-made', 'x', 'r0a1', 'p') $$,
                 '42501', 'permission denied for table avatar_configs', 'anon cannot insert avatar_configs');
select throws_ok($$ select * from public.claim_avatar_session('00000000-0000-4000-8000-0000000000a1',
                    'rls-visible', 'rls-room-anon', 'direct', 5, 600) $$,
                 '42501', 'permission denied for function claim_avatar_session', 'anon cannot claim a session');

-- ---------------------------------------------------------------------------
-- authenticated as Alice.
-- ---------------------------------------------------------------------------
reset role;
set local role authenticated;
set local request.jwt.claims = '{"sub":"00000000-0000-4000-8000-0000000000a1","role":"authenticated"}';

select set_eq($$ select scenario_id from public.avatar_configs $$, $$ select scenario_id from expected_configs $$,
              'a signed-in user reads exactly the enabled configs');
select is_empty($$ select 1 from public.avatar_configs where scenario_id = 'rls-hidden' $$,
                'a signed-in user cannot see a disabled config');
select throws_ok($$ update public.avatar_configs set prompt = 'hacked' where scenario_id = 'rls-visible' $$,
                 '42501', 'permission denied for table avatar_configs', 'a signed-in user cannot change configs');
select throws_ok($$ insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt)
                    values ('user-made', 'x', 'r0a1', 'p') $$,
                 '42501', 'permission denied for table avatar_configs', 'a signed-in user cannot add configs');
select throws_ok($$ delete from public.avatar_configs $$,
                 '42501', 'permission denied for table avatar_configs', 'a signed-in user cannot delete configs');

select results_eq($$ select room_name from public.avatar_sessions $$, array['rls-room-alice'],
                  'a signed-in user reads only their own sessions');
select is_empty($$ select 1 from public.avatar_sessions where user_id = '00000000-0000-4000-8000-0000000000b2' $$,
                'a signed-in user cannot see another user''s session even when asking for it');
select throws_ok($$ update public.avatar_sessions set status = 'live' where room_name = 'rls-room-alice' $$,
                 '42501', 'permission denied for table avatar_sessions', 'a signed-in user cannot update their own session');
select throws_ok($$ update public.avatar_sessions set end_reason = 'x' where room_name = 'rls-room-bob' $$,
                 '42501', 'permission denied for table avatar_sessions', 'a signed-in user cannot update another user''s session');
select throws_ok($$ insert into public.avatar_sessions (user_id, scenario_id, room_name, mode, expires_at)
                    values ('00000000-0000-4000-8000-0000000000a1', 'rls-visible', 'rls-room-new', 'direct', now()) $$,
                 '42501', 'permission denied for table avatar_sessions', 'a signed-in user cannot insert a session');
select throws_ok($$ delete from public.avatar_sessions where room_name = 'rls-room-bob' $$,
                 '42501', 'permission denied for table avatar_sessions', 'a signed-in user cannot delete another user''s session');
select throws_ok($$ select * from public.livekit_webhook_events $$, '42501',
                 'permission denied for table livekit_webhook_events', 'a signed-in user cannot read webhook events');

select throws_ok(format('select * from public.%s', v.call), '42501', format('permission denied for function %s', v.fn),
                 format('a signed-in user cannot call %s()', v.fn))
  from (values
    ('claim_avatar_session', $$claim_avatar_session('00000000-0000-4000-8000-0000000000a1', 'rls-visible', 'rls-room-x', 'direct', 5, 600)$$),
    ('mark_avatar_session_live', $$mark_avatar_session_live(gen_random_uuid(), 'c0a1b2')$$),
    ('end_avatar_session', $$end_avatar_session(gen_random_uuid(), 'user_left')$$),
    ('end_avatar_sessions_for_room', $$end_avatar_sessions_for_room('rls-room-bob', 'user_left')$$),
    ('record_webhook_event', $$record_webhook_event('EV_rls', 'room_finished', null)$$)
  ) as v(fn, call);

-- ---------------------------------------------------------------------------
-- authenticated as Bob, and a token without a subject.
-- ---------------------------------------------------------------------------
set local request.jwt.claims = '{"sub":"00000000-0000-4000-8000-0000000000b2","role":"authenticated"}';
select results_eq($$ select room_name from public.avatar_sessions $$, array['rls-room-bob'],
                  'another signed-in user reads only their own session');

set local request.jwt.claims = '{"role":"authenticated"}';
select is_empty($$ select 1 from public.avatar_sessions $$, 'a token without sub sees no sessions');

-- ---------------------------------------------------------------------------
-- service_role: bypasses RLS.
-- ---------------------------------------------------------------------------
reset role;
set local role service_role;
set local request.jwt.claims = '{"role":"service_role"}';
select bag_eq($$ select room_name from public.avatar_sessions where room_name like 'rls-room-%' $$,
              array['rls-room-alice', 'rls-room-bob'], 'service_role reads every session');
select ok((select count(*) from public.avatar_configs where scenario_id = 'rls-hidden') = 1,
          'service_role reads disabled configs');

select * from finish();
rollback;
