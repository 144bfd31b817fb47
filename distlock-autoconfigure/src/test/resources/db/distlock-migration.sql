-- As an application's own migration (Flyway, Liquibase or spring.sql.init) would create distlock's
-- table: without IF NOT EXISTS, so that it fails if distlock created the table first.
CREATE TABLE distlock_locks (
    key_hash    CHAR(64)                 NOT NULL PRIMARY KEY,
    lock_key    CHARACTER VARYING        NOT NULL,
    owner       VARCHAR(255)             NOT NULL,
    token       BIGINT                   NOT NULL,
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE SEQUENCE distlock_locks_tokens START WITH 1;
