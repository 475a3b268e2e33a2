-- The tables of 1.2 made those of 1.3 (sql/parts/tables.sql), their rows kept.

ALTER TABLE cart_abandon.runs
    ADD COLUMN started_by                text,
    ADD COLUMN open_carts                bigint,
    ADD COLUMN abandoned_carts           bigint,
    ADD COLUMN abandoned_carts_in_window bigint,
    ADD COLUMN carts_counted_at          timestamptz,
    ADD COLUMN recoveries_checked_at     timestamptz;
CREATE INDEX runs_carts_counted_idx ON cart_abandon.runs (id) WHERE carts_counted_at IS NOT NULL;
CREATE INDEX runs_started_by_idx ON cart_abandon.runs (started_by, id);
CREATE INDEX runs_recoveries_checked_idx ON cart_abandon.runs (recoveries_checked_at) WHERE recoveries_checked_at IS NOT NULL;

-- Filled by the first run after the upgrade (it looks at every completion); until then the
-- stats' recovered figures are NULL.
CREATE TABLE cart_abandon.recovered_carts (
    cart_id       text        PRIMARY KEY,
    completed_at  timestamptz NOT NULL,
    currency_code text        NOT NULL,
    value         numeric,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.recovered_carts', '');

