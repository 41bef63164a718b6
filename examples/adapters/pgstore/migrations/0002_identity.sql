-- Customers (package identity). A record is opaque to the store apart from
-- its id, version and erasure time, so it is kept as JSON; personal data in
-- it is sealed or blind-indexed by the Registry before it reaches the store.
CREATE TABLE kefu_customers (
    id        text COLLATE "C" PRIMARY KEY, -- byte order, like Go strings
    version   bigint NOT NULL,
    erased_ns bigint NOT NULL DEFAULT 0, -- Unix nanoseconds; 0 = not erased
    record    jsonb  NOT NULL
);
CREATE INDEX kefu_customers_erased ON kefu_customers (erased_ns, id) WHERE erased_ns <> 0;

-- One identifier bound to one customer. No foreign key: the Registry may
-- bind ids of records it deletes in the same write.
CREATE TABLE kefu_identity_bindings (
    kind     smallint NOT NULL,
    value    text     NOT NULL,
    customer text     NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE INDEX kefu_identity_bindings_customer ON kefu_identity_bindings (customer);

CREATE TABLE kefu_identity_merges (
    id      text PRIMARY KEY,
    version bigint NOT NULL,
    merge   jsonb  NOT NULL
);
