-- TEST SUPPORT ONLY: never apply this to a Supabase project.
--
-- A database made the way a hosted Supabase project's is, for the tests that cannot run on
-- one: the roles, memberships, schemas, grants and default privileges that Supabase's own
-- init scripts and migrations (github.com/supabase/postgres, migrations/db/init-scripts and
-- migrations/db/migrations; the expected outputs of its nix/tests for roles, default
-- privileges and Vault) leave behind, written here from those facts.
--
-- Run by scripts/pg-cluster.sh as `supabase_admin`, the cluster's bootstrap superuser (as on
-- Supabase), in the database `postgres`, once per cluster. Everything after it runs as the
-- non-superuser `postgres`, as migrations and the SQL editor do on a hosted project.
--
-- What it makes:
--   * roles: supabase_admin (superuser), postgres (not a superuser: CREATEDB CREATEROLE
--     REPLICATION BYPASSRLS), anon and authenticated (INHERIT), service_role (INHERIT BYPASSRLS),
--     authenticator (LOGIN NOINHERIT, granted anon/authenticated/service_role: PostgREST's role),
--     supabase_auth_admin (LOGIN NOINHERIT: Supabase Auth, owner of its tables);
--   * postgres owns the database, is a member of the API roles (with ADMIN OPTION on 16 and
--     later, where CREATEROLE alone no longer lets it SET ROLE) and of pg_read_all_data etc.;
--   * schema auth (owner supabase_admin, ALL to supabase_auth_admin): the tables of Supabase's
--     auth init script owned by supabase_auth_admin, RLS on as Supabase Auth's migrations leave
--     them, auth.uid()/role()/email()/jwt() as Auth's migrations define them; postgres may read
--     and write auth's tables but not create in the schema;
--   * schema extensions (owner postgres) with pgcrypto and uuid-ossp;
--   * schema vault, every object owned by supabase_admin, with the grants of Vault's after-create
--     script (postgres and service_role: SELECT, DELETE and the two functions);
--   * default privileges in public: supabase_admin's grant all to the API roles (users cannot
--     change them); postgres's no longer grant the Data API privileges (select, insert, update,
--     delete; execute; sequences) since Supabase's October 2026 change, while TRUNCATE,
--     REFERENCES and TRIGGER (and MAINTAIN on 17) remain: the migrations' explicit revokes
--     and grants must stand on their own.
--   * schema net: pg_net's http_post/http_get as a stand-in that queues requests and sends none.
-- Not made (not used by this project): storage, realtime, graphql, pgbouncer and their roles,
-- dashboard_user, pgsodium, supautils, safeupdate, auth's DDL-protection event triggers.
-- Vault here is an API-compatible SQL copy: values are stored as given (the real one
-- encrypts them with libsodium), and create_secret/update_secret are security definer so
-- that postgres and service_role can add secrets without INSERT on the table, as they can on
-- a project.
-- Idempotent: safe to run more than once.

\set ON_ERROR_STOP on
set client_min_messages = warning;

do $$
begin
  if current_user <> 'supabase_admin' or not (select rolsuper from pg_roles where rolname = current_user) then
    raise exception 'run supabase_init.sql as the superuser supabase_admin';
  end if;
end;
$$;

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
do $$
declare
  r record;
begin
  for r in
    select * from (values
      ('postgres', 'login nosuperuser inherit createdb createrole replication bypassrls'),
      ('anon', 'nologin nosuperuser inherit nocreatedb nocreaterole noreplication nobypassrls'),
      ('authenticated', 'nologin nosuperuser inherit nocreatedb nocreaterole noreplication nobypassrls'),
      ('service_role', 'nologin nosuperuser inherit nocreatedb nocreaterole noreplication bypassrls'),
      ('authenticator', 'login nosuperuser noinherit nocreatedb nocreaterole noreplication nobypassrls'),
      ('supabase_auth_admin', 'login nosuperuser noinherit nocreatedb nocreaterole noreplication nobypassrls')
    ) as v(name, attrs)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      execute format('create role %I', r.name);
    end if;
    execute format('alter role %I %s', r.name, r.attrs);
  end loop;
end;
$$;

alter role supabase_admin set search_path = "$user", public, auth, extensions;
alter role postgres set search_path = "$user", public, extensions;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout = 60000;

grant anon, authenticated, service_role to authenticator;

-- postgres's memberships differ by version: from 16 on, CREATEROLE no longer implies the right
-- to administer other roles, so Supabase grants them WITH ADMIN OPTION.
do $$
begin
  if current_setting('server_version_num')::int >= 160000 then
    grant anon, authenticated, service_role, authenticator to postgres with admin option;
    grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres with admin option;
  else
    grant anon, authenticated, service_role to postgres;
    grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
  end if;
end;
$$;

-- ---------------------------------------------------------------------------
-- The database and schema public
-- ---------------------------------------------------------------------------
alter database postgres owner to postgres;
grant all on database postgres to postgres;
grant create on database postgres to supabase_auth_admin;
grant usage on schema public to postgres, anon, authenticated, service_role;

-- Objects supabase_admin creates in public are granted to the API roles (users cannot
-- change this; Supabase's own extensions are what it creates there).
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- Objects postgres creates (every migration): the grants the project started with ...
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
-- ... less what "new tables and functions are not exposed to the Data API" takes away.
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke all on sequences from anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- extensions
-- ---------------------------------------------------------------------------
create schema if not exists extensions;
alter schema extensions owner to postgres;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

-- ---------------------------------------------------------------------------
-- auth
-- ---------------------------------------------------------------------------
create schema if not exists auth authorization supabase_admin;
grant usage on schema auth to anon, authenticated, service_role;
grant all on schema auth to supabase_auth_admin;
grant usage on schema auth to postgres;

create table if not exists auth.users (
  instance_id uuid null,
  id uuid not null unique,
  aud varchar(255) null,
  "role" varchar(255) null,
  email varchar(255) null unique,
  encrypted_password varchar(255) null,
  confirmed_at timestamptz null,
  invited_at timestamptz null,
  confirmation_token varchar(255) null,
  confirmation_sent_at timestamptz null,
  recovery_token varchar(255) null,
  recovery_sent_at timestamptz null,
  email_change_token varchar(255) null,
  email_change varchar(255) null,
  email_change_sent_at timestamptz null,
  last_sign_in_at timestamptz null,
  raw_app_meta_data jsonb null,
  raw_user_meta_data jsonb null,
  is_super_admin bool null,
  created_at timestamptz null,
  updated_at timestamptz null,
  constraint users_pkey primary key (id)
);
create index if not exists users_instance_id_email_idx on auth.users using btree (instance_id, email);
create index if not exists users_instance_id_idx on auth.users using btree (instance_id);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';

create table if not exists auth.refresh_tokens (
  instance_id uuid null,
  id bigserial not null,
  "token" varchar(255) null,
  user_id varchar(255) null,
  revoked bool null,
  created_at timestamptz null,
  updated_at timestamptz null,
  constraint refresh_tokens_pkey primary key (id)
);
create index if not exists refresh_tokens_instance_id_idx on auth.refresh_tokens using btree (instance_id);
create index if not exists refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens using btree (instance_id, user_id);
create index if not exists refresh_tokens_token_idx on auth.refresh_tokens using btree (token);

create table if not exists auth.instances (
  id uuid not null,
  uuid uuid null,
  raw_base_config text null,
  created_at timestamptz null,
  updated_at timestamptz null,
  constraint instances_pkey primary key (id)
);

create table if not exists auth.audit_log_entries (
  instance_id uuid null,
  id uuid not null,
  payload json null,
  created_at timestamptz null,
  constraint audit_log_entries_pkey primary key (id)
);
create index if not exists audit_logs_instance_id_idx on auth.audit_log_entries using btree (instance_id);

create table if not exists auth.schema_migrations (
  "version" varchar(255) not null,
  constraint schema_migrations_pkey primary key ("version")
);
-- The versions Supabase's init script marks as applied (Auth skips these migrations).
insert into auth.schema_migrations (version)
values ('20171026211738'), ('20171026211808'), ('20171026211834'), ('20180103212743'),
       ('20180108183307'), ('20180119214651'), ('20180125194653')
on conflict do nothing;

-- The request's claims as PostgREST sets them (Auth's migrations 20220224000811, 20220531120530).
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

do $$
declare
  t text;
begin
  foreach t in array array['users', 'refresh_tokens', 'instances', 'audit_log_entries', 'schema_migrations'] loop
    execute format('alter table auth.%I owner to supabase_auth_admin', t);
    execute format('alter table auth.%I enable row level security', t);
  end loop;
end;
$$;
alter sequence auth.refresh_tokens_id_seq owner to supabase_auth_admin;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;

-- postgres reads and writes auth's tables (not its migrations), now and later.
grant all on all tables in schema auth to postgres;
grant all on all sequences in schema auth to postgres;
grant all on all routines in schema auth to postgres;
revoke all on auth.schema_migrations from postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on tables to postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on sequences to postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on routines to postgres;

-- ---------------------------------------------------------------------------
-- vault (API-compatible subset of supabase/vault 0.3, owned by supabase_admin)
-- ---------------------------------------------------------------------------
create schema if not exists vault authorization supabase_admin;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
comment on table vault.secrets is 'Table with encrypted `secret` column for storing sensitive information on disk.';
create unique index if not exists secrets_name_idx on vault.secrets using btree (name) where name is not null;

create or replace view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret, s.secret as decrypted_secret,
         s.key_id, s.nonce, s.created_at, s.updated_at
    from vault.secrets as s;

create or replace function vault.create_secret(
  new_secret text,
  new_name text = null,
  new_description text = '',
  new_key_id uuid = null
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into vault.secrets (secret, name, description)
  values (new_secret, new_name, new_description)
  returning id into v_id;
  return v_id;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text = null,
  new_name text = null,
  new_description text = null,
  new_key_id uuid = null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update vault.secrets s
     set secret = coalesce(new_secret, s.secret),
         name = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         updated_at = now()
   where s.id = secret_id;
end
$$;

revoke all on all tables in schema vault from public;
revoke all on all functions in schema vault from public;
grant usage on schema vault to postgres with grant option;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret, vault.update_secret to postgres with grant option;
grant usage on schema vault to service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret, vault.update_secret to service_role;

-- ---------------------------------------------------------------------------
-- net (pg_net's API: Supabase has it, Debian does not package it). A stand-in that queues
-- each request in net.http_request_queue, as pg_net does before its worker sends it, and sends
-- nothing; owned by supabase_admin with the grants of Supabase's grant_pg_net_access trigger.
-- ---------------------------------------------------------------------------
create schema if not exists net authorization supabase_admin;

create table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language sql
volatile
security definer
set search_path = net
as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', url, headers, convert_to(body::text, 'utf8'), timeout_milliseconds)
  returning id;
$$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language sql
volatile
security definer
set search_path = net
as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('GET', url, headers, null, timeout_milliseconds)
  returning id;
$$;

revoke all on all tables in schema net from public;
revoke all on all functions in schema net from public;
grant usage on schema net to postgres, anon, authenticated, service_role;
grant execute on function net.http_get(text, jsonb, jsonb, integer),
  net.http_post(text, jsonb, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role;
grant select on net.http_request_queue to postgres;
