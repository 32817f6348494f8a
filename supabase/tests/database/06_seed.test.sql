-- The seed equals supabase/functions/_shared/default_scenarios.json, which scripts/test-db.sh
-- passes in as the psql variable default_scenarios_json (pg_prove --set).
begin;
select plan(6);

create temp table scenarios_json on commit drop as
  select :'default_scenarios_json'::jsonb as doc;

create temp table expected_scenarios on commit drop as
  select x.*
    from scenarios_json,
         jsonb_to_recordset(doc) as x(
           scenario_id text, display_name text, replica_id text, persona_id text, language text, prompt text,
           greeting text, max_call_duration_seconds integer, agent_name text, enabled boolean);
grant select on expected_scenarios to authenticated;

create view pg_temp.seeded_scenarios as
  select scenario_id, display_name, replica_id, persona_id, language, prompt, greeting,
         max_call_duration_seconds, agent_name, enabled
    from public.avatar_configs;

select is((select count(*)::integer from expected_scenarios), 3, 'default_scenarios.json holds three scenarios');
select is_empty(
  $$ select key
       from scenarios_json, jsonb_array_elements(doc) as scenario, jsonb_object_keys(scenario) as key
      where key not in (select column_name from information_schema.columns
                         where table_schema = 'public' and table_name = 'avatar_configs') $$,
  'every field of default_scenarios.json is a column of avatar_configs (so the comparison covers it)');
select results_eq($$ select * from pg_temp.seeded_scenarios order by scenario_id $$,
                  $$ select * from expected_scenarios order by scenario_id $$,
                  'the seeded configs are exactly the scenarios of default_scenarios.json');
select is_empty($$ select 1 from public.avatar_configs where agent_name is not null $$,
                'the seeded scenarios have no agent_name');

-- Running the seed again repairs drift and adds nothing.
update public.avatar_configs set prompt = 'drifted', enabled = false, agent_name = 'drifted-agent';
\ir ../../seed.sql
select results_eq($$ select * from pg_temp.seeded_scenarios order by scenario_id $$,
                  $$ select * from expected_scenarios order by scenario_id $$,
                  'running the seed again restores the scenarios');

set local role authenticated;
set local request.jwt.claims = '{"sub":"00000000-0000-4000-8000-0000000000f1","role":"authenticated"}';
select is((select count(*)::integer from public.avatar_configs), (select count(*)::integer from expected_scenarios),
          'a signed-in user sees every seeded scenario');

select * from finish();
rollback;
