-- WeChat platform state shared by the replicas (package wechatmp). Instants
-- are Unix nanoseconds, so that a window's OpenedAt round-trips exactly (it
-- identifies the window in Release and Exhaust).

-- Customer-service windows, one per app and user.
CREATE TABLE kefu_wechat_windows (
    key       text     PRIMARY KEY,
    kind      smallint NOT NULL,
    opened_ns bigint   NOT NULL,
    closes_ns bigint   NOT NULL,
    quota     integer  NOT NULL,
    used      integer  NOT NULL
);

-- Callback deduplication records; a row whose expires_ns has passed is dead
-- and may be replaced or purged.
CREATE TABLE kefu_wechat_dedup (
    key        text     PRIMARY KEY,
    owner      text     NOT NULL,
    state      smallint NOT NULL,
    reply      bytea,
    expires_ns bigint   NOT NULL
);
CREATE INDEX kefu_wechat_dedup_expires ON kefu_wechat_dedup (expires_ns);

-- Shared access tokens and their refresh leases.
CREATE TABLE kefu_wechat_tokens (
    key        text   PRIMARY KEY,
    value      text   NOT NULL,
    expires_ns bigint NOT NULL,
    refresh_ns bigint NOT NULL,
    version    bigint NOT NULL
);
CREATE TABLE kefu_wechat_token_leases (
    key      text   PRIMARY KEY,
    owner    text   NOT NULL,
    until_ns bigint NOT NULL
);
