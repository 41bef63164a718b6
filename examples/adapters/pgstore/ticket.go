package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/ticket"
)

// TicketStore is a ticket.Store on PostgreSQL: a kefu_tickets row per ticket
// with a version column for optimistic concurrency, and the audit history as
// append-only kefu_ticket_history rows keyed by (ticket_id, seq). Create and
// Update are each one SQL statement, so a write is atomic without an explicit
// transaction. It is safe for concurrent use.
type TicketStore struct {
	pool *pgxpool.Pool
}

var _ ticket.Store = (*TicketStore)(nil)

// NewTicketStore returns a TicketStore on pool. Run Migrate first.
func NewTicketStore(pool *pgxpool.Pool) *TicketStore { return &TicketStore{pool: pool} }

// Create implements ticket.Store.
func (s *TicketStore) Create(ctx context.Context, t ticket.Ticket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.ID == "" {
		return fmt.Errorf("%w: empty id", ticket.ErrInvalidTicket)
	}
	if err := checkSeq(t.History, 1); err != nil {
		return err
	}
	fields, err := encodeFields(t.Fields)
	if err != nil {
		return err
	}
	h := historyColumns(t.History)
	var inserted int
	err = s.pool.QueryRow(ctx, `
WITH t AS (
	INSERT INTO kefu_tickets (id, definition, customer_id, subject, state, priority, assignee, tags, fields,
		created_ns, updated_ns, version, history_len, due_ns, alert_ns)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
	ON CONFLICT (id) DO NOTHING
	RETURNING id
), h AS (
	INSERT INTO kefu_ticket_history (ticket_id, seq, kind, at_ns, actor_kind, actor_id, event, from_state, to_state,
		note, public, value, metric, instance)
	SELECT t.id, r.* FROM t, unnest($16::bigint[], $17::text[], $18::bigint[], $19::text[], $20::text[],
		$21::text[], $22::text[], $23::text[], $24::text[], $25::bool[], $26::text[], $27::text[], $28::bigint[]) AS r
)
SELECT count(*) FROM t`,
		t.ID, t.Definition, t.CustomerID, t.Subject, t.State, string(t.Priority), t.Assignee, nonNilStrings(t.Tags), fields,
		nanos(t.CreatedAt), nanos(t.UpdatedAt), t.Version, int64(len(t.History)), nullNanos(t.DueAt), nullNanos(t.AlertAt),
		h.seq, h.kind, h.at, h.actorKind, h.actorID, h.event, h.from, h.to, h.note, h.public, h.value, h.metric, h.instance,
	).Scan(&inserted)
	if err != nil {
		return classify(ticket.ErrInvalidTicket, "create ticket "+t.ID, err)
	}
	if inserted == 0 {
		return fmt.Errorf("%w: %s", ticket.ErrExists, t.ID)
	}
	return nil
}

// Get implements ticket.Store.
func (s *TicketStore) Get(ctx context.Context, id string) (ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return ticket.Ticket{}, err
	}
	rows, err := s.pool.Query(ctx, ticketSelect+` WHERE t.id = $1`, id)
	if err != nil {
		return ticket.Ticket{}, fmt.Errorf("pgstore: get ticket %s: %w", id, err)
	}
	ts, err := scanTickets(rows)
	if err != nil {
		return ticket.Ticket{}, fmt.Errorf("pgstore: get ticket %s: %w", id, err)
	}
	if len(ts) == 0 {
		return ticket.Ticket{}, fmt.Errorf("%w: %s", ticket.ErrNotFound, id)
	}
	return ts[0], nil
}

// Update implements ticket.Store. The compare-and-set, the history inserts
// and the diagnosis of a refusal are one statement: the UPDATE matches only
// the expected version and history length, and the history rows are
// inserted only if it matched.
func (s *TicketStore) Update(ctx context.Context, t ticket.Ticket, expected int64, records []ticket.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.Version != expected+1 {
		return fmt.Errorf("%w: %s: new version %d does not follow %d", ticket.ErrInvalidTicket, t.ID, t.Version, expected)
	}
	wantLen := int64(-1) // no records: any history length
	if len(records) > 0 {
		if err := checkSeq(records, records[0].Seq); err != nil {
			return err
		}
		wantLen = records[0].Seq - 1
	}
	fields, err := encodeFields(t.Fields)
	if err != nil {
		return err
	}
	h := historyColumns(records)
	var (
		found      bool
		curVersion int64
		curLen     int64
		updated    bool
	)
	err = s.pool.QueryRow(ctx, `
WITH cur AS (
	SELECT version, history_len FROM kefu_tickets WHERE id = $1
), u AS (
	UPDATE kefu_tickets SET definition = $4, customer_id = $5, subject = $6, state = $7, priority = $8,
		assignee = $9, tags = $10, fields = $11, created_ns = $12, updated_ns = $13, version = $14,
		history_len = history_len + $15, due_ns = $16, alert_ns = $17
	WHERE id = $1 AND version = $2 AND ($3 < 0 OR history_len = $3)
	RETURNING id
), h AS (
	INSERT INTO kefu_ticket_history (ticket_id, seq, kind, at_ns, actor_kind, actor_id, event, from_state, to_state,
		note, public, value, metric, instance)
	SELECT u.id, r.* FROM u, unnest($18::bigint[], $19::text[], $20::bigint[], $21::text[], $22::text[],
		$23::text[], $24::text[], $25::text[], $26::text[], $27::bool[], $28::text[], $29::text[], $30::bigint[]) AS r
)
SELECT EXISTS (SELECT 1 FROM cur), coalesce((SELECT version FROM cur), 0), coalesce((SELECT history_len FROM cur), 0),
	EXISTS (SELECT 1 FROM u)`,
		t.ID, expected, wantLen,
		t.Definition, t.CustomerID, t.Subject, t.State, string(t.Priority), t.Assignee, nonNilStrings(t.Tags), fields,
		nanos(t.CreatedAt), nanos(t.UpdatedAt), t.Version, int64(len(records)), nullNanos(t.DueAt), nullNanos(t.AlertAt),
		h.seq, h.kind, h.at, h.actorKind, h.actorID, h.event, h.from, h.to, h.note, h.public, h.value, h.metric, h.instance,
	).Scan(&found, &curVersion, &curLen, &updated)
	switch {
	case err != nil:
		return classify(ticket.ErrInvalidTicket, "update ticket "+t.ID, err)
	case updated:
		return nil
	case !found:
		return fmt.Errorf("%w: %s", ticket.ErrNotFound, t.ID)
	case curVersion != expected:
		return fmt.Errorf("%w: %s: version %d, stored %d", ticket.ErrConflict, t.ID, expected, curVersion)
	case wantLen >= 0 && curLen != wantLen:
		return fmt.Errorf("%w: record seq %d, want %d", ticket.ErrInvalidTicket, wantLen+1, curLen+1)
	default:
		// The row changed between the statement's snapshot and its update.
		return fmt.Errorf("%w: %s: changed concurrently", ticket.ErrConflict, t.ID)
	}
}

// Find implements ticket.Store.
func (s *TicketStore) Find(ctx context.Context, q ticket.Query) ([]ticket.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q.Definition != "" {
		add("t.definition = $%d", q.Definition)
	}
	if q.CustomerID != "" {
		add("t.customer_id = $%d", q.CustomerID)
	}
	if q.State != "" {
		add("t.state = $%d", q.State)
	}
	if q.Assignee != "" {
		add("t.assignee = $%d", q.Assignee)
	}
	if !q.DueBefore.IsZero() {
		add("t.due_ns <= $%d", nanos(q.DueBefore))
	}
	if !q.AlertBefore.IsZero() {
		add("t.alert_ns <= $%d", nanos(q.AlertBefore))
	}
	sql := ticketSelect
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	switch {
	case !q.DueBefore.IsZero():
		sql += " ORDER BY t.due_ns, t.id"
	case !q.AlertBefore.IsZero():
		sql += " ORDER BY t.alert_ns, t.id"
	default:
		sql += " ORDER BY t.created_ns, t.id"
	}
	if q.Limit > 0 {
		args = append(args, q.Limit)
		sql += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: find tickets: %w", err)
	}
	ts, err := scanTickets(rows)
	if err != nil {
		return nil, fmt.Errorf("pgstore: find tickets: %w", err)
	}
	return ts, nil
}

// ticketSelect reads tickets with their histories in one statement, so that
// a ticket and its history come from the same snapshot.
const ticketSelect = `
SELECT t.id, t.definition, t.customer_id, t.subject, t.state, t.priority, t.assignee, t.tags, t.fields,
	t.created_ns, t.updated_ns, t.version, coalesce(t.due_ns, 0), coalesce(t.alert_ns, 0),
	(SELECT coalesce(json_agg(json_build_object('seq', h.seq, 'kind', h.kind, 'at', h.at_ns, 'actor_kind', h.actor_kind,
		'actor_id', h.actor_id, 'event', h.event, 'from', h.from_state, 'to', h.to_state, 'note', h.note,
		'public', h.public, 'value', h.value, 'metric', h.metric, 'instance', h.instance) ORDER BY h.seq), '[]')
	 FROM kefu_ticket_history h WHERE h.ticket_id = t.id)
FROM kefu_tickets t`

// historyRow is a history row as ticketSelect encodes it in JSON.
type historyRow struct {
	Seq       int64  `json:"seq"`
	Kind      string `json:"kind"`
	At        int64  `json:"at"`
	ActorKind string `json:"actor_kind"`
	ActorID   string `json:"actor_id"`
	Event     string `json:"event"`
	From      string `json:"from"`
	To        string `json:"to"`
	Note      string `json:"note"`
	Public    bool   `json:"public"`
	Value     string `json:"value"`
	Metric    string `json:"metric"`
	Instance  int64  `json:"instance"`
}

func scanTickets(rows pgx.Rows) ([]ticket.Ticket, error) {
	defer rows.Close()
	var out []ticket.Ticket
	for rows.Next() {
		var (
			t                            ticket.Ticket
			priority                     string
			fields, history              []byte
			created, updated, due, alert int64
		)
		if err := rows.Scan(&t.ID, &t.Definition, &t.CustomerID, &t.Subject, &t.State, &priority, &t.Assignee, &t.Tags, &fields,
			&created, &updated, &t.Version, &due, &alert, &history); err != nil {
			return nil, err
		}
		t.Priority = ticket.Priority(priority)
		t.CreatedAt, t.UpdatedAt, t.DueAt, t.AlertAt = fromNanos(created), fromNanos(updated), fromNanos(due), fromNanos(alert)
		if err := json.Unmarshal(fields, &t.Fields); err != nil {
			return nil, fmt.Errorf("decode fields of %s: %w", t.ID, err)
		}
		var hs []historyRow
		if err := json.Unmarshal(history, &hs); err != nil {
			return nil, fmt.Errorf("decode history of %s: %w", t.ID, err)
		}
		t.History = make([]ticket.Record, len(hs))
		for i, h := range hs {
			t.History[i] = ticket.Record{
				Seq: h.Seq, Kind: ticket.RecordKind(h.Kind), At: fromNanos(h.At),
				Actor: ticket.Actor{Kind: ticket.ActorKind(h.ActorKind), ID: h.ActorID},
				Event: h.Event, From: h.From, To: h.To, Note: h.Note, Public: h.Public,
				Value: h.Value, Metric: h.Metric, Instance: h.Instance,
			}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// history holds records column by column, for INSERT … SELECT FROM unnest.
type history struct {
	seq, instance, at                                              []int64
	kind, actorKind, actorID, event, from, to, note, value, metric []string
	public                                                         []bool
}

func historyColumns(rs []ticket.Record) history {
	n := len(rs)
	h := history{
		seq: make([]int64, n), instance: make([]int64, n), at: make([]int64, n), public: make([]bool, n),
		kind: make([]string, n), actorKind: make([]string, n), actorID: make([]string, n), event: make([]string, n),
		from: make([]string, n), to: make([]string, n), note: make([]string, n), value: make([]string, n), metric: make([]string, n),
	}
	for i, r := range rs {
		h.seq[i], h.instance[i], h.at[i], h.public[i] = r.Seq, r.Instance, nanos(r.At), r.Public
		h.kind[i], h.actorKind[i], h.actorID[i], h.event[i] = string(r.Kind), string(r.Actor.Kind), r.Actor.ID, r.Event
		h.from[i], h.to[i], h.note[i], h.value[i], h.metric[i] = r.From, r.To, r.Note, r.Value, r.Metric
	}
	return h
}

func checkSeq(records []ticket.Record, first int64) error {
	for i, r := range records {
		if want := first + int64(i); r.Seq != want {
			return fmt.Errorf("%w: record seq %d, want %d", ticket.ErrInvalidTicket, r.Seq, want)
		}
	}
	return nil
}

func encodeFields(f map[string]string) ([]byte, error) {
	if f == nil {
		f = map[string]string{}
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, errors.Join(ticket.ErrInvalidTicket, err)
	}
	return b, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
