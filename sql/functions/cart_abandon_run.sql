-- Not SECURITY DEFINER: PostgreSQL forbids COMMIT in such procedures. Instead each of its
-- statements runs as the extension's owner with search_path pinned (src/pg/base/spi.cpp), never
-- across a commit, so an error always falls back to the caller.
CREATE OR REPLACE PROCEDURE cart_abandon_run(options jsonb DEFAULT '{}')
AS 'MODULE_PATHNAME', 'cart_abandon_run' LANGUAGE C;

COMMENT ON PROCEDURE cart_abandon_run(jsonb) IS
'Processes every due cart batch by batch, committing each claim before its message is sent. Call at top level.';
