-- Vault bridge: edge functions read the project's secrets from Supabase Vault through these
-- functions (`supabase.rpc('get_edge_secrets', { p_names: [...] })` with a service-role client).
-- `vault` is not an exposed schema, so a security definer function is the way in.
--
-- Only the names on the allow-list can be read; anything else raises
-- P0001 ERR_VAULT_NAME_NOT_ALLOWED (the message never contains a secret value).
-- Put the secrets into Vault once per project (see docs/database.md):
--   select vault.create_secret('<value>', 'TAVUS_API_KEY', 'Tavus API key');

-- ---------------------------------------------------------------------------
-- get_edge_secrets: name -> value for the allow-listed names that exist in Vault.
-- ---------------------------------------------------------------------------
create or replace function public.get_edge_secrets(p_names text[])
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_allowed constant text[] := array[
    'LIVEKIT_API_KEY',
    'LIVEKIT_API_SECRET',
    'LIVEKIT_WS_URL',
    'TAVUS_API_KEY',
    'TAVUS_CALLBACK_SECRET',
    'AUTH_JWT_SECRET'
  ];
  v_refused text[];
begin
  select array_agg(coalesce(n, '<null>')) into v_refused
    from unnest(coalesce(p_names, '{}'::text[])) as n
   where n is null or not (n = any (v_allowed));
  if v_refused is not null then
    raise exception using errcode = 'P0001', message = 'ERR_VAULT_NAME_NOT_ALLOWED',
      detail = format('not on the allow-list: %s', array_to_string(v_refused, ', '));
  end if;

  return coalesce(
    (select jsonb_object_agg(ds.name, ds.decrypted_secret)
       from vault.decrypted_secrets as ds
      where ds.name = any (p_names)),
    '{}'::jsonb
  );
end;
$$;

comment on function public.get_edge_secrets(text[]) is
  'Allow-listed Vault secrets as {name: value}; names missing from Vault are left out. Raises P0001 ERR_VAULT_NAME_NOT_ALLOWED for any other name. service_role only.';

-- ---------------------------------------------------------------------------
-- get_edge_secret: one allow-listed secret, null when it is not in Vault.
-- ---------------------------------------------------------------------------
create or replace function public.get_edge_secret(p_name text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select public.get_edge_secrets(array[p_name]) ->> p_name;
$$;

comment on function public.get_edge_secret(text) is
  'One allow-listed Vault secret (null when missing). Raises P0001 ERR_VAULT_NAME_NOT_ALLOWED for any other name. service_role only.';

revoke all on function public.get_edge_secrets(text[]) from public, anon, authenticated;
revoke all on function public.get_edge_secret(text) from public, anon, authenticated;
grant execute on function public.get_edge_secrets(text[]) to service_role;
grant execute on function public.get_edge_secret(text) to service_role;
