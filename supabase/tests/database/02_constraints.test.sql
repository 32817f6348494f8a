-- Constraints: each one rejects a row that is valid but for the one value it guards.
-- Every rejection is matched by SQLSTATE and by the constraint named in the error.
begin;
select plan(40);

insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-00000000c001', 'constraints-a@example.test'),
  ('00000000-0000-4000-8000-00000000c002', 'constraints-b@example.test');

-- An insert statement for a valid row of the table, with some columns overridden.
create function pg_temp.insert_row(p_table text, p_overrides jsonb) returns text
language sql as $$
  select format(
    'insert into public.%1$I select * from jsonb_populate_record(null::public.%1$I, %2$L::jsonb)',
    p_table,
    case p_table
      when 'avatar_configs' then jsonb_build_object(
        'scenario_id', 'constraint-test', 'display_name', 'Constraint test', 'replica_id', 'r0a1b2c3',
        'persona_id', 'p0a1b2c3', 'language', 'english', 'prompt', 'Be brief.', 'greeting', 'Hello',
        'max_call_duration_seconds', 600, 'agent_name', 'tutor-agent', 'enabled', true)
      when 'avatar_sessions' then jsonb_build_object(
        'id', gen_random_uuid(), 'user_id', '00000000-0000-4000-8000-00000000c001',
        'scenario_id', 'session-fixture', 'room_name', 'room-' || gen_random_uuid(), 'mode', 'direct',
        'status', 'starting', 'expires_at', now() + interval '30 minutes',
        'tavus_end_pending', false, 'tavus_end_attempts', 0, 'room_checked', false)
    end || jsonb_build_object('created_at', now(), 'updated_at', now()) || p_overrides
  );
$$;

-- Valid rows (so each rejection below is caused by its one override).
select lives_ok(pg_temp.insert_row('avatar_configs', '{"scenario_id": "session-fixture"}'), 'a valid config is accepted');
select lives_ok(pg_temp.insert_row('avatar_configs', jsonb_build_object(
         'scenario_id', repeat('a', 64), 'display_name', repeat('d', 100), 'prompt', repeat('p', 10000),
         'greeting', repeat('g', 1000), 'max_call_duration_seconds', 3600, 'agent_name', repeat('A', 128))),
       'a config at every upper bound is accepted');
select lives_ok(pg_temp.insert_row('avatar_configs', jsonb_build_object(
         'scenario_id', 'lower-bounds', 'display_name', 'd', 'prompt', 'p', 'persona_id', null, 'greeting', null,
         'agent_name', null, 'max_call_duration_seconds', 60, 'replica_id', 'r00')),
       'a config at every lower bound, with the optional columns null, is accepted');
select lives_ok(
  $$ insert into public.avatar_configs (scenario_id, display_name, replica_id, language, prompt)
     select 'lang-' || l, l, 'r00', l, 'p'
       from unnest(array['arabic', 'bulgarian', 'chinese', 'croatian', 'czech', 'danish', 'dutch', 'english',
         'filipino', 'finnish', 'french', 'german', 'greek', 'hindi', 'hungarian', 'indonesian', 'italian',
         'japanese', 'korean', 'malay', 'norwegian', 'polish', 'portuguese', 'romanian', 'russian', 'slovak',
         'spanish', 'swedish', 'tamil', 'turkish', 'ukrainian', 'vietnamese', 'multilingual']) as l $$,
  'every Tavus language name is accepted');

-- Check constraints (table, override, constraint that must reject it).
select throws_ok(pg_temp.insert_row(v.tbl, v.overrides), '23514',
                 format('new row for relation "%s" violates check constraint "%s"', v.tbl, v.constraint_name),
                 format('%s rejects %s', v.tbl, v.what))
  from (values
    ('avatar_configs', '{"scenario_id": "Not_A_Slug"}'::jsonb, 'avatar_configs_scenario_id_format', 'a scenario_id that is not a slug'),
    ('avatar_configs', '{"scenario_id": "trailing-"}', 'avatar_configs_scenario_id_format', 'a scenario_id ending in a dash'),
    ('avatar_configs', jsonb_build_object('scenario_id', repeat('a', 65)), 'avatar_configs_scenario_id_format', 'a scenario_id over 64 characters'),
    ('avatar_configs', '{"display_name": ""}', 'avatar_configs_display_name_length', 'an empty display_name'),
    ('avatar_configs', jsonb_build_object('display_name', repeat('d', 101)), 'avatar_configs_display_name_length', 'a display_name over 100 characters'),
    ('avatar_configs', '{"replica_id": "x0a1b2c3"}', 'avatar_configs_replica_id_format', 'a replica_id not starting with r'),
    ('avatar_configs', '{"replica_id": "r0"}', 'avatar_configs_replica_id_format', 'a replica_id that is too short'),
    ('avatar_configs', '{"persona_id": "P0A1B2C3"}', 'avatar_configs_persona_id_format', 'a persona_id in upper case'),
    ('avatar_configs', '{"language": "klingon"}', 'avatar_configs_language_supported', 'a language Tavus does not know'),
    ('avatar_configs', '{"language": "English"}', 'avatar_configs_language_supported', 'a capitalised language name'),
    ('avatar_configs', '{"prompt": ""}', 'avatar_configs_prompt_length', 'an empty prompt'),
    ('avatar_configs', jsonb_build_object('prompt', repeat('p', 10001)), 'avatar_configs_prompt_length', 'a prompt over 10000 characters'),
    ('avatar_configs', jsonb_build_object('greeting', repeat('g', 1001)), 'avatar_configs_greeting_length', 'a greeting over 1000 characters'),
    ('avatar_configs', '{"max_call_duration_seconds": 59}', 'avatar_configs_max_call_duration_range', 'a max call duration under 60 s'),
    ('avatar_configs', '{"max_call_duration_seconds": 3601}', 'avatar_configs_max_call_duration_range', 'a max call duration over 3600 s'),
    ('avatar_configs', '{"agent_name": "tutor agent"}', 'avatar_configs_agent_name_format', 'an agent_name with a space'),
    ('avatar_configs', jsonb_build_object('agent_name', repeat('A', 129)), 'avatar_configs_agent_name_format', 'an agent_name over 128 characters'),
    ('avatar_sessions', '{"mode": "video"}', 'avatar_sessions_mode_valid', 'an unknown mode'),
    ('avatar_sessions', '{"conversation_id": "x0a1b2c3"}', 'avatar_sessions_conversation_id_format', 'a malformed conversation_id'),
    ('avatar_sessions', '{"status": "paused"}', 'avatar_sessions_status_valid', 'an unknown status'),
    ('avatar_sessions', jsonb_build_object('end_reason', repeat('e', 201)), 'avatar_sessions_end_reason_length', 'an end_reason over 200 characters'),
    ('avatar_sessions', '{"status": "ended"}', 'avatar_sessions_ended_at_matches_status', 'an ended session without ended_at'),
    ('avatar_sessions', '{"status": "failed"}', 'avatar_sessions_ended_at_matches_status', 'a failed session without ended_at'),
    ('avatar_sessions', '{"status": "live", "ended_at": "2026-01-01T00:00:00Z"}', 'avatar_sessions_ended_at_matches_status', 'an open session with ended_at')
  ) as v(tbl, overrides, constraint_name, what);

select throws_ok(pg_temp.insert_row('avatar_configs', '{"prompt": null}'), '23502',
                 'null value in column "prompt" of relation "avatar_configs" violates not-null constraint',
                 'avatar_configs rejects a null prompt');

-- avatar_sessions
select lives_ok(pg_temp.insert_row('avatar_sessions', '{"room_name": "room-valid", "conversation_id": "c0a1b2c3", "status": "live"}'),
                'a valid session is accepted');
select lives_ok(pg_temp.insert_row('avatar_sessions', '{"status": "ended", "ended_at": "2026-01-01T00:00:00Z", "end_reason": "user_left"}'),
                'an ended session of the same user and scenario is accepted next to the open one');

-- Not-null, foreign key and unique constraints.
select throws_ok(pg_temp.insert_row('avatar_sessions', v.overrides), v.errcode, v.message,
                 format('avatar_sessions rejects %s', v.what))
  from (values
    ('{"user_id": "00000000-0000-4000-8000-00000000c0ff"}'::jsonb, '23503',
     'insert or update on table "avatar_sessions" violates foreign key constraint "avatar_sessions_user_id_fkey"',
     'a user that does not exist'),
    ('{"scenario_id": "no-such-scenario"}', '23503',
     'insert or update on table "avatar_sessions" violates foreign key constraint "avatar_sessions_scenario_id_fkey"',
     'a scenario that does not exist'),
    ('{"room_name": "room-valid", "user_id": "00000000-0000-4000-8000-00000000c002"}', '23505',
     'duplicate key value violates unique constraint "avatar_sessions_room_name_key"',
     'a room that already has a session'),
    ('{"conversation_id": "c0a1b2c3", "user_id": "00000000-0000-4000-8000-00000000c002"}', '23505',
     'duplicate key value violates unique constraint "avatar_sessions_conversation_id_key"',
     'a conversation that already has a session'),
    ('{"status": "ending"}', '23505',
     'duplicate key value violates unique constraint "avatar_sessions_one_open_per_user_scenario"',
     'a second open session of the same user and scenario'),
    ('{"expires_at": null}', '23502',
     'null value in column "expires_at" of relation "avatar_sessions" violates not-null constraint',
     'a session without expires_at')
  ) as v(overrides, errcode, message, what);

-- livekit_webhook_events
insert into public.livekit_webhook_events (event_id, event) values ('EV_constraints', 'room_finished');
select throws_ok($$ insert into public.livekit_webhook_events (event_id, event) values ('EV_constraints', 'room_started') $$,
                 '23505', 'duplicate key value violates unique constraint "livekit_webhook_events_pkey"',
                 'livekit_webhook_events rejects an event id already recorded');
select throws_ok($$ insert into public.livekit_webhook_events (event_id, event) values ('EV_no_event', null) $$,
                 '23502', 'null value in column "event" of relation "livekit_webhook_events" violates not-null constraint',
                 'livekit_webhook_events rejects a null event');

-- Deleting a user removes their sessions.
delete from auth.users where id = '00000000-0000-4000-8000-00000000c001';
select is_empty($$ select 1 from public.avatar_sessions where user_id = '00000000-0000-4000-8000-00000000c001' $$,
                'deleting a user deletes their sessions');

select * from finish();
rollback;
