-- The sample's stand-in for a payment provider: one row per order, PENDING until charged, with the
-- fencing token of the last write to it (FencedJdbc refuses a write that carries a lower one).
CREATE TABLE IF NOT EXISTS charges (
    order_id    VARCHAR(255)   NOT NULL PRIMARY KEY,
    amount      DECIMAL(12, 2) NOT NULL,
    status      VARCHAR(16)    NOT NULL,
    fence_token BIGINT         NOT NULL DEFAULT 0
);
