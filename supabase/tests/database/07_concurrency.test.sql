-- Two edge function instances at once: two real connections (dblink) race on the same user.
-- Their work commits, so this file removes its fixtures at the end; it uses its own ids.
begin;
select plan(7);

-- Statements between \o /dev/null and \o only set up: their results are not TAP.
\o /dev/null
create extension if not exists dblink;
create function pg_temp.wait_for_lock_wait(p_locktype text) returns boolean
language plpgsql as $$
begin
  for i in 1..100 loop
    if exists (select 1 from pg_locks where locktype = p_locktype and not granted) then
      return true;
    end if;
    perform pg_sleep(0.05);
  end loop;
  return false;
end;
$$;

-- As postgres, with its password: dblink lets a non-superuser connect only with one.
select dblink_connect(c, format('dbname=%s port=%s host=%s user=postgres password=%s', current_database(),
                                current_setting('port'), current_setting('unix_socket_directories'),
                                :'db_password'))
  from unnest(array['race_a', 'race_b']) as c;
select dblink_exec('race_a', $$
  insert into auth.users (id, email) values ('00000000-0000-4000-8000-0000000000ff', 'race@example.test');
  insert into public.avatar_configs (scenario_id, display_name, replica_id, prompt) values ('race', 'Race', 'r0a1', 'p');
$$);
select dblink_exec(c, 'set role service_role') from unnest(array['race_a', 'race_b']) as c;

-- Instance A claims inside an open transaction; instance B claims the same (user, scenario) meanwhile.
select dblink_exec('race_a', 'begin');
\o
select id as race_a_id
  from dblink('race_a', $$ select id from public.claim_avatar_session('00000000-0000-4000-8000-0000000000ff',
                           'race', 'race-room-a', 'direct', 3, 600) $$) as t(id uuid) \gset
\o /dev/null
select dblink_send_query('race_b', $$ select id, reused from public.claim_avatar_session(
                           '00000000-0000-4000-8000-0000000000ff', 'race', 'race-room-b', 'direct', 3, 600) $$);
\o
select ok(pg_temp.wait_for_lock_wait('advisory'), 'the second claim waits on the per-user lock');
\o /dev/null
select dblink_exec('race_a', 'commit');
\o
select results_eq($$ select id, reused from dblink_get_result('race_b') as t(id uuid, reused boolean) $$,
                  format($$ values (%L::uuid, true) $$, :'race_a_id'),
                  'the second claim gets the first one''s session instead of a duplicate');
select is_empty($$ select 1 from dblink_get_result('race_b') as t(id uuid, reused boolean) $$, 'the second claim is done');
select is((select count(*)::integer from public.avatar_sessions where user_id = '00000000-0000-4000-8000-0000000000ff'), 1,
          'racing claims leave exactly one session');

-- Both instances end the session at once: only one of them gets it back.
\o /dev/null
select dblink_exec('race_a', 'begin');
\o
select count(*) as race_a_ended
  from dblink('race_a', format('select id from public.end_avatar_session(%L, %L)', :'race_a_id', 'user_left'))
       as t(id uuid) \gset
\o /dev/null
select dblink_send_query('race_b', format('select id from public.end_avatar_session(%L, %L)', :'race_a_id', 'room_finished'));
\o
select ok(pg_temp.wait_for_lock_wait('transactionid'), 'the second end waits for the first');
\o /dev/null
select dblink_exec('race_a', 'commit');
\o
select results_eq(
  $$ select count(*)::integer from dblink_get_result('race_b') as t(id uuid) $$,
  array[0],
  'the second concurrent end returns nothing');
select is(:race_a_ended::integer, 1, 'the first concurrent end returns the session');
\o /dev/null
select dblink_get_result('race_b', false);

select dblink_exec('race_a', $$
  reset role;
  delete from auth.users where id = '00000000-0000-4000-8000-0000000000ff';
  delete from public.avatar_configs where scenario_id = 'race';
$$);
select dblink_disconnect(c) from unnest(array['race_a', 'race_b']) as c;
\o

select * from finish();
rollback;
