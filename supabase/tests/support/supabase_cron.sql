-- TEST SUPPORT ONLY: pg_cron as a Supabase project has it (Supabase Cron), for clusters started
-- with `scripts/pg-cluster.sh start --cron` (pg_cron preloaded, cron.database_name = postgres).
-- Run as supabase_admin after supabase_init.sql.
--
-- On a project, `create extension pg_cron` by postgres is run as a superuser (supautils) and
-- Supabase's event trigger extensions.grant_pg_cron_access() then hands postgres the schema;
-- later migrations took writes on cron.job away (20231020085357, 20260730000000). Here the
-- extension is created up front with the same grants, so a migration's
-- `create extension if not exists pg_cron` finds it and goes on.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create extension if not exists pg_cron with schema pg_catalog;

grant usage on schema cron to postgres with grant option;
alter default privileges in schema cron grant all on tables to postgres with grant option;
alter default privileges in schema cron grant all on functions to postgres with grant option;
alter default privileges in schema cron grant all on sequences to postgres with grant option;
grant all privileges on all tables in schema cron to postgres with grant option;
revoke all on table cron.job from postgres;
grant select on table cron.job to postgres with grant option;
revoke trigger on all tables in schema cron from postgres;
