-- The sample's stand-in for a payment provider: one row per charged order, with the fencing token
-- of the lock under which it was charged.
CREATE TABLE IF NOT EXISTS payments (
    order_id      VARCHAR(255)   NOT NULL PRIMARY KEY,
    amount        DECIMAL(12, 2) NOT NULL,
    fencing_token BIGINT         NOT NULL
);
