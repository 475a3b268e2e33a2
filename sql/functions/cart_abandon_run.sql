-- Not SECURITY DEFINER: PostgreSQL forbids COMMIT in such procedures. Instead each of its
-- statements runs as the extension's owner with search_path pinned (src/pg/base/spi.cpp), never
-- across a commit, so an error always falls back to the caller.
-- run_id is INOUT because a procedure answers through its output parameters alone, and with a
-- default so that CALL cart_abandon_run() and pg_cron's command need no second argument.
CREATE OR REPLACE PROCEDURE cart_abandon_run(options jsonb DEFAULT '{}', INOUT run_id bigint DEFAULT NULL)
AS 'MODULE_PATHNAME', 'cart_abandon_run' LANGUAGE C;

COMMENT ON PROCEDURE cart_abandon_run(jsonb, bigint) IS
'Processes every due cart batch by batch, committing each claim before its message is sent. Call at top level. '
'Answers one row, run_id: the id of the cart_abandon.runs row it wrote (NULL for a dry run, which writes none); '
'the run_id passed in is not read.';
