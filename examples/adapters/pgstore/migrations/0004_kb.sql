-- Knowledge-base entries (package kb) as JSON documents with a version for
-- compare-and-set, and the rest of the knowledge base (settings, rules,
-- canned replies, phrases) as one opaque document.
CREATE TABLE kefu_kb_entries (
    id      text COLLATE "C" PRIMARY KEY, -- byte order, like Go strings
    version bigint NOT NULL,
    entry   jsonb  NOT NULL
);

CREATE TABLE kefu_kb_config (
    id  smallint PRIMARY KEY CHECK (id = 1),
    doc bytea    NOT NULL -- kept byte for byte
);
