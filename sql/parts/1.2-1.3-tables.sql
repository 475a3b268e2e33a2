-- The tables of 1.2 made those of 1.3 (sql/parts/tables.sql), their rows kept.

ALTER TABLE cart_abandon.runs
    ADD COLUMN started_by                text,
    ADD COLUMN open_carts                bigint,
    ADD COLUMN abandoned_carts           bigint,
    ADD COLUMN abandoned_carts_in_window bigint,
    ADD COLUMN carts_counted_at          timestamptz;
CREATE INDEX runs_carts_counted_idx ON cart_abandon.runs (id) WHERE carts_counted_at IS NOT NULL;
CREATE INDEX runs_started_by_idx ON cart_abandon.runs (started_by, id);

