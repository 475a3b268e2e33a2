-- Medusa's real migrated schema against the hand-written fixture the pgTAP tests use
-- (test/fixtures/medusa_v2_schema.sql, loaded into the schema e2e_fixture before this runs).
-- One row per fixture column that the real table lacks or types differently, and per enum label
-- of the fixture that the real enum lacks: the columns and values cart_abandon reads.
-- Usage: psql -v fixture=e2e_fixture -v real=public -f schema_check.sql
WITH columns AS (
    SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS column_name,
           -- an enum's type is named without its schema: the fixture makes its own copy
           coalesce(t.typname::text, format_type(a.atttypid, a.atttypmod)) AS type
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_type t ON t.oid = a.atttypid AND t.typtype = 'e'
     WHERE n.nspname IN (:'fixture', :'real') AND a.attnum > 0 AND NOT a.attisdropped
), labels AS (
    SELECT n.nspname AS schema, t.typname, e.enumlabel
      FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname IN (:'fixture', :'real')
)
SELECT format('%s.%s: %s in Medusa, %s in the fixture', f.table_name, f.column_name, coalesce(r.type, 'missing'), f.type)
  FROM columns f
  LEFT JOIN columns r ON r.schema = :'real' AND r.table_name = f.table_name AND r.column_name = f.column_name
 WHERE f.schema = :'fixture' AND r.type IS DISTINCT FROM f.type
UNION ALL
SELECT format('enum %s lacks %L', f.typname, f.enumlabel)
  FROM labels f
 WHERE f.schema = :'fixture'
   AND NOT EXISTS (SELECT FROM labels r WHERE r.schema = :'real' AND r.typname = f.typname AND r.enumlabel = f.enumlabel)
ORDER BY 1;
