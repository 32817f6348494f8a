-- TEST SUPPORT ONLY: never apply this to a Supabase project.
--
-- Stand-ins for what a Supabase database provides and plain PostgreSQL 15 lacks, so the
-- migrations and pgTAP tests run on a throwaway local cluster (scripts/test-db.sh):
--   * roles anon, authenticated, service_role (service_role bypasses RLS);
--   * schema auth: auth.users, auth.uid(), auth.jwt(), auth.role() reading the
--     request.jwt.claims setting the way PostgREST sets it;
--   * schema vault: vault.secrets, vault.decrypted_secrets, vault.create_secret(),
--     vault.update_secret(). Real Vault encrypts with pgsodium; here the "decrypted"
--     value is simply the stored text.
--   * the default privileges older Supabase projects have on schema public (ALL to the
--     API roles), the worst case for the migrations' explicit revokes and grants.
-- Safe to apply more than once.

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      execute format('create role %I nologin noinherit', r);
    end if;
  end loop;
end;
$$;

alter role service_role bypassrls;

grant usage on schema public to anon, authenticated, service_role;

alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- auth
-- ---------------------------------------------------------------------------
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text unique,
  created_at timestamptz not null default now()
);
revoke all on table auth.users from public, anon, authenticated;

create or replace function auth.jwt()
returns jsonb
language sql
stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb;
$$;

-- Like Supabase's: the single-claim setting first (older PostgREST), then the claims object.
create or replace function auth.uid()
returns uuid
language sql
stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), auth.jwt() ->> 'sub')::uuid;
$$;

create or replace function auth.role()
returns text
language sql
stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), auth.jwt() ->> 'role');
$$;

-- ---------------------------------------------------------------------------
-- vault (API-compatible subset of supabase/vault)
-- ---------------------------------------------------------------------------
create schema if not exists vault;
revoke all on schema vault from public;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

create or replace view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret, s.secret as decrypted_secret,
         s.key_id, s.nonce, s.created_at, s.updated_at
    from vault.secrets as s;

create or replace function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  new_key_id uuid default null
)
returns uuid
language sql
as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, coalesce(new_description, ''), new_key_id)
  returning id;
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  new_key_id uuid default null
)
returns void
language sql
as $$
  update vault.secrets
     set secret = coalesce(new_secret, secret),
         name = coalesce(new_name, name),
         description = coalesce(new_description, description),
         key_id = coalesce(new_key_id, key_id),
         updated_at = now()
   where id = secret_id;
$$;

revoke all on all tables in schema vault from public;
revoke all on all functions in schema vault from public;
