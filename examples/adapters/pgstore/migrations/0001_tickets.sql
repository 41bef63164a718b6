-- Tickets (package ticket): one row per ticket with the optimistic-concurrency
-- version, and an append-only history keyed by (ticket_id, seq). Instants are
-- Unix nanoseconds (columns *_ns; NULL or 0 for none), because tickets are
-- ordered by instants that may differ by less than a microsecond.
CREATE TABLE kefu_tickets (
    id          text COLLATE "C" PRIMARY KEY, -- byte order, like Go strings
    definition  text        NOT NULL,
    customer_id text        NOT NULL,
    subject     text        NOT NULL,
    state       text        NOT NULL,
    priority    text        NOT NULL,
    assignee    text        NOT NULL,
    tags        text[]      NOT NULL,
    fields      jsonb       NOT NULL,
    created_ns  bigint      NOT NULL,
    updated_ns  bigint      NOT NULL,
    version     bigint      NOT NULL,
    history_len bigint      NOT NULL,
    due_ns      bigint,
    alert_ns    bigint
);
CREATE INDEX kefu_tickets_created ON kefu_tickets (created_ns, id);
CREATE INDEX kefu_tickets_customer ON kefu_tickets (customer_id, created_ns);
CREATE INDEX kefu_tickets_assignee ON kefu_tickets (assignee, state);
CREATE INDEX kefu_tickets_due ON kefu_tickets (due_ns, id) WHERE due_ns IS NOT NULL;
CREATE INDEX kefu_tickets_alert ON kefu_tickets (alert_ns, id) WHERE alert_ns IS NOT NULL;

CREATE TABLE kefu_ticket_history (
    ticket_id  text COLLATE "C" NOT NULL REFERENCES kefu_tickets (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    kind       text        NOT NULL,
    at_ns      bigint      NOT NULL,
    actor_kind text        NOT NULL,
    actor_id   text        NOT NULL,
    event      text        NOT NULL,
    from_state text        NOT NULL,
    to_state   text        NOT NULL,
    note       text        NOT NULL,
    public     boolean     NOT NULL,
    value      text        NOT NULL,
    metric     text        NOT NULL,
    instance   bigint      NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);
