-- Structure: tables, RLS switched on, exact privileges of the API roles, policies,
-- indexes and keys the session RPCs rely on, and how the RPCs are declared.
begin;
select plan(66);

-- The database is made like a project's (scripts/pg-cluster.sh): the migrations ran as, and
-- these tests run as, a postgres that is not a superuser.
select is(current_user::text, 'postgres', 'the tests run as postgres');
select ok(not (select rolsuper from pg_roles where rolname = current_user), 'postgres is not a superuser');
select is((select array_agg(distinct pg_get_userbyid(c.relowner)::text) from pg_class as c
            where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'),
          array['postgres'], 'the migrations ran as postgres: it owns the tables');

select has_table('public', t, format('table public.%s exists', t))
  from unnest(array['avatar_configs', 'avatar_sessions', 'livekit_webhook_events']) as t;

select ok(c.relrowsecurity, format('row level security is enabled on public.%s', c.relname))
  from pg_class as c
 where c.oid in ('public.avatar_configs'::regclass, 'public.avatar_sessions'::regclass,
                 'public.livekit_webhook_events'::regclass);

-- Exact table privileges (also proves nothing is left over from default privileges).
select table_privs_are('public', v.tbl, v.role, v.privs, format('%s has exactly %s on %s', v.role, v.privs, v.tbl))
  from (values
    ('avatar_configs', 'anon', '{}'::text[]),
    ('avatar_configs', 'authenticated', '{SELECT}'),
    ('avatar_configs', 'service_role', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('avatar_sessions', 'anon', '{}'),
    ('avatar_sessions', 'authenticated', '{SELECT}'),
    ('avatar_sessions', 'service_role', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('livekit_webhook_events', 'anon', '{}'),
    ('livekit_webhook_events', 'authenticated', '{}'),
    ('livekit_webhook_events', 'service_role', '{SELECT,INSERT,UPDATE,DELETE}')
  ) as v(tbl, role, privs);

-- The RPCs: service_role may execute them, anon and authenticated may not.
create temp table rpc (name text, args text[]) on commit drop;
insert into rpc values
  ('claim_avatar_session', '{uuid,text,text,text,integer,integer}'),
  ('mark_avatar_session_live', '{uuid,text}'),
  ('end_avatar_session', '{uuid,text}'),
  ('end_avatar_sessions_for_room', '{text,text}'),
  ('record_webhook_event', '{text,text,text}'),
  ('get_edge_secret', '{text}'),
  ('get_edge_secrets', '{text[]}');

select function_privs_are('public', rpc.name, rpc.args, r.role, r.privs,
         format('%s has exactly %s on %s()', r.role, r.privs, rpc.name))
  from rpc
 cross join (values ('anon', '{}'::text[]), ('authenticated', '{}'), ('service_role', '{EXECUTE}')) as r(role, privs);

select ok(p.prosecdef and p.proconfig = array['search_path=""'],
          format('%s() is security definer with an empty search_path', rpc.name))
  from rpc
  join pg_proc as p
    on p.oid = format('public.%s(%s)', rpc.name, array_to_string(rpc.args, ','))::regprocedure;

select function_privs_are('public', 'set_updated_at', '{}', r, '{}', format('%s cannot call set_updated_at()', r))
  from unnest(array['anon', 'authenticated']) as r;

-- Policies.
select policies_are('public', 'avatar_configs', array['avatar_configs_select_enabled']);
select policy_roles_are('public', 'avatar_configs', 'avatar_configs_select_enabled', array['authenticated']);
select policy_cmd_is('public', 'avatar_configs', 'avatar_configs_select_enabled', 'select', 'the configs policy is for select only');
select policies_are('public', 'avatar_sessions', array['avatar_sessions_select_own']);
select policy_roles_are('public', 'avatar_sessions', 'avatar_sessions_select_own', array['authenticated']);
select policy_cmd_is('public', 'avatar_sessions', 'avatar_sessions_select_own', 'select', 'the sessions policy is for select only');
select policies_are('public', 'livekit_webhook_events', '{}'::name[], 'livekit_webhook_events has no policies');
select matches(pg_get_expr(p.polqual, p.polrelid), '\(\s*SELECT auth\.uid\(\)', 'the sessions policy wraps auth.uid() in a subselect')
  from pg_policy as p where p.polname = 'avatar_sessions_select_own';

-- Keys and indexes the RPCs rely on.
select fk_ok('public', 'avatar_sessions', 'user_id', 'auth', 'users', 'id');
select fk_ok('public', 'avatar_sessions', 'scenario_id', 'public', 'avatar_configs', 'scenario_id');
select col_is_unique('public', 'avatar_sessions', array['room_name'], 'room_name is unique');
select col_is_unique('public', 'avatar_sessions', array['conversation_id'], 'conversation_id is unique');
select index_is_unique('public', 'avatar_sessions', 'avatar_sessions_one_open_per_user_scenario');
select is(pg_get_indexdef('public.avatar_sessions_one_open_per_user_scenario'::regclass),
          'CREATE UNIQUE INDEX avatar_sessions_one_open_per_user_scenario ON public.avatar_sessions USING btree (user_id, scenario_id) WHERE (status = ANY (ARRAY[''starting''::text, ''live''::text, ''ending''::text]))',
          'open sessions are unique per (user_id, scenario_id)');
select has_index('public', 'avatar_sessions', 'avatar_sessions_user_created', array['user_id', 'created_at']);
select has_index('public', 'avatar_sessions', 'avatar_sessions_scenario', array['scenario_id']);

-- updated_at triggers.
select trigger_is('public', 'avatar_configs', 'avatar_configs_set_updated_at', 'public', 'set_updated_at',
                  'avatar_configs keeps updated_at current');
select trigger_is('public', 'avatar_sessions', 'avatar_sessions_set_updated_at', 'public', 'set_updated_at',
                  'avatar_sessions keeps updated_at current');

select * from finish();
rollback;
