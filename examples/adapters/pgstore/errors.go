package pgstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// badText reports whether err is PostgreSQL refusing a value that a text or
// jsonb column cannot hold: a NUL byte, an invalid UTF-8 sequence, or the
// JSON escape \u0000.
func badText(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	switch pg.Code {
	case "22021", // character_not_in_repertoire: invalid UTF-8, NUL
		"22P05": // untranslatable_character: \u0000 in jsonb
		return true
	}
	return false
}

// classify wraps a database error: with sentinel when the database refused
// the value itself (see badText), else as a plain pgstore failure.
func classify(sentinel error, what string, err error) error {
	if badText(err) {
		return fmt.Errorf("%w: %s: text a PostgreSQL column cannot hold (NUL byte or invalid UTF-8): %w", sentinel, what, err)
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}
