-- Vault bridge: get_edge_secret / get_edge_secrets.
begin;
select plan(16);

-- Secrets with values nobody can guess, put in the documented way.
do $$
begin
  perform vault.create_secret('tavus-' || gen_random_uuid(), 'TAVUS_API_KEY', 'Tavus API key');
  perform vault.create_secret('not-for-edge-' || gen_random_uuid(), 'DATABASE_ADMIN_PASSWORD', 'not on the allow-list');
end;
$$;
select decrypted_secret as tavus_key from vault.decrypted_secrets where name = 'TAVUS_API_KEY' \gset
-- Keep the expected value where the API roles can read it (the test's own temp table).
create temp table expected (name text primary key, value text) on commit drop;
insert into expected values ('TAVUS_API_KEY', :'tavus_key');
grant select on expected to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- anon and authenticated are refused.
-- ---------------------------------------------------------------------------
create temp table bridge_calls on commit drop as
  select * from (values ('get_edge_secret', $$ select public.get_edge_secret('TAVUS_API_KEY') $$),
                        ('get_edge_secrets', $$ select public.get_edge_secrets(array['TAVUS_API_KEY']) $$)) as v(fn, call);
grant select on bridge_calls to anon, authenticated;

set local role anon;
select throws_ok(call, '42501', format('permission denied for function %s', fn), format('anon cannot call %s()', fn))
  from bridge_calls;
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub":"00000000-0000-4000-8000-0000000000d1","role":"authenticated"}';
select throws_ok(call, '42501', format('permission denied for function %s', fn), format('authenticated cannot call %s()', fn))
  from bridge_calls;
reset role;

-- ---------------------------------------------------------------------------
-- service_role reads allow-listed secrets.
-- ---------------------------------------------------------------------------
set local role service_role;
set local request.jwt.claims = '{"role":"service_role"}';

select is(public.get_edge_secret('TAVUS_API_KEY'), (select value from expected where name = 'TAVUS_API_KEY'),
          'service_role gets an allow-listed secret');
select is(public.get_edge_secret('LIVEKIT_API_SECRET'), null, 'an allow-listed secret missing from Vault is null');
select is(public.get_edge_secrets(array['TAVUS_API_KEY', 'LIVEKIT_API_SECRET']),
          (select jsonb_object_agg(name, value) from expected),
          'get_edge_secrets returns the existing secrets by name and leaves out missing ones');
select is(public.get_edge_secrets('{}'::text[]), '{}'::jsonb, 'get_edge_secrets of no names is an empty object');

select throws_ok(v.call, 'P0001', 'ERR_VAULT_NAME_NOT_ALLOWED', v.what)
  from (values
    ($$ select public.get_edge_secret('DATABASE_ADMIN_PASSWORD') $$, 'a secret outside the allow-list is refused even though it is in Vault'),
    ($$ select public.get_edge_secret('tavus_api_key') $$, 'names are case-sensitive'),
    ($$ select public.get_edge_secret(null) $$, 'a null name is refused'),
    ($$ select public.get_edge_secrets(array['TAVUS_API_KEY', 'DATABASE_ADMIN_PASSWORD']) $$,
     'get_edge_secrets refuses the whole request when one name is outside the allow-list')
  ) as v(call, what);

reset role;

-- The vault schema itself: on a project Vault grants service_role (and postgres) SELECT on it,
-- and PostgREST does not expose it, so the API roles reach secrets only through the bridge.
set local role authenticated;
select throws_ok($$ select * from vault.decrypted_secrets $$, '42501', null::text,
                 'authenticated cannot read the vault directly (only through the bridge)');
reset role;

-- Every allow-listed name works, and the bridge follows rotation.
do $$
begin
  perform vault.create_secret('value-of-' || n, n, 'test')
     from unnest(array['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_WS_URL', 'TAVUS_CALLBACK_SECRET',
                       'AUTH_JWT_SECRET']) as n;
  perform vault.update_secret(id, 'rotated-' || gen_random_uuid()) from vault.secrets where name = 'TAVUS_API_KEY';
end;
$$;
update expected set value = (select decrypted_secret from vault.decrypted_secrets where name = 'TAVUS_API_KEY');
set local role service_role;

select is(public.get_edge_secret('TAVUS_API_KEY'), (select value from expected where name = 'TAVUS_API_KEY'),
          'after vault.update_secret the new value is returned');
select is((select array_agg(k order by k) from jsonb_object_keys(public.get_edge_secrets(array[
            'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_WS_URL', 'TAVUS_API_KEY', 'TAVUS_CALLBACK_SECRET',
            'AUTH_JWT_SECRET'])) as k),
          array['AUTH_JWT_SECRET', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_WS_URL',
                'TAVUS_API_KEY', 'TAVUS_CALLBACK_SECRET'],
          'all six allow-listed names can be read');
select is(public.get_edge_secret('LIVEKIT_WS_URL'), 'value-of-LIVEKIT_WS_URL', 'each name maps to its own secret');

select * from finish();
rollback;
