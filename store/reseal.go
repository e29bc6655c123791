package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// sealedColumn is one column holding sealed values, with how its rows'
// labels are made. Every Seal call in this package has an entry here, so
// Reseal covers every secret at rest.
type sealedColumn struct {
	table, column string
	// keys are the columns (besides ctid) that make the label.
	keys  []string
	label func(keys []any) string
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

var sealedColumns = []sealedColumn{
	{"tenants", "zoom_client_secret_sealed", []string{"id"}, func(k []any) string { return "client:" + str(k[0]) }},
	{"tenants", "webhook_secret_sealed", []string{"id"}, func(k []any) string { return "webhook:" + str(k[0]) }},
	{"download_tokens", "token_sealed", []string{"tenant_id", "conversation_uuid"},
		func(k []any) string { return "download:" + str(k[0]) + ":" + str(k[1]) }},
	{"host_connections", "access_token_sealed", []string{"tenant_id", "zoom_user_id"},
		func(k []any) string { return accessLabel(str(k[0]), str(k[1])) }},
	{"host_connections", "refresh_token_sealed", []string{"tenant_id", "zoom_user_id"},
		func(k []any) string { return refreshLabel(str(k[0]), str(k[1])) }},
	{"host_oauth_states", "verifier_sealed", []string{"state_sha256"},
		func(k []any) string { b, _ := k[0].([]byte); return "oauth-verifier:" + hex.EncodeToString(b) }},
}

// ResealCount is what Reseal did to one column.
type ResealCount struct {
	Column   string `json:"column"` // table.column
	Values   int    `json:"values"`
	Resealed int    `json:"resealed"`
	// Failed values open with no configured key; they are left as they are.
	Failed int `json:"failed"`
}

// ResealReport is what Reseal did.
type ResealReport struct {
	KeyID   string        `json:"key_id"`
	Columns []ResealCount `json:"columns"`
	// WebhookEventsRedacted counts webhook_events rows whose payload still
	// held a token (written before bodies were stripped) and now does not.
	WebhookEventsRedacted int `json:"webhook_events_redacted"`
}

// Reseal rewrites every sealed value not sealed with the current key (or
// written before key ids) under the current key, one table at a time with
// its rows locked, and strips tokens from stored webhook bodies. Running it
// again changes nothing. Values no key opens are counted, not touched.
func (s *Store) Reseal(ctx context.Context) (ResealReport, error) {
	rep := ResealReport{}
	if err := s.requireSealer(); err != nil {
		return rep, err
	}
	rep.KeyID = s.sealer.CurrentKeyID()
	for _, c := range sealedColumns {
		n, err := s.resealColumn(ctx, c)
		if err != nil {
			return rep, fmt.Errorf("store: resealing %s.%s: %w", c.table, c.column, err)
		}
		rep.Columns = append(rep.Columns, n)
	}
	n, err := s.redactStoredWebhookEvents(ctx)
	if err != nil {
		return rep, fmt.Errorf("store: stripping tokens from webhook_events: %w", err)
	}
	rep.WebhookEventsRedacted = n
	return rep, nil
}

func (s *Store) resealColumn(ctx context.Context, c sealedColumn) (ResealCount, error) {
	count := ResealCount{Column: c.table + "." + c.column}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return count, err
	}
	defer tx.Rollback(ctx)
	q := fmt.Sprintf(`SELECT ctid::text, %s, %s FROM %s WHERE %s IS NOT NULL FOR UPDATE`,
		strings.Join(c.keys, ", "), c.column, pgx.Identifier{c.table}.Sanitize(), c.column)
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return count, err
	}
	type update struct {
		ctid   string
		sealed []byte
	}
	var updates []update
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			rows.Close()
			return count, err
		}
		count.Values++
		ctid := str(vals[0])
		keys := vals[1 : 1+len(c.keys)]
		sealed, _ := vals[len(vals)-1].([]byte)
		label := c.label(keys)
		plain, current, err := s.sealer.open(sealed, label)
		if err != nil {
			count.Failed++
			continue
		}
		if !current {
			updates = append(updates, update{ctid, s.sealer.Seal(plain, label)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return count, err
	}
	for _, u := range updates {
		if _, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE ctid = $2::tid`,
			pgx.Identifier{c.table}.Sanitize(), c.column), u.sealed, u.ctid); err != nil {
			return count, err
		}
		count.Resealed++
	}
	return count, tx.Commit(ctx)
}

// SealedWithOtherKeys counts sealed values that Reseal would rewrite (or
// cannot open): zero means the previous keys can be dropped.
func (s *Store) SealedWithOtherKeys(ctx context.Context) (int, error) {
	if err := s.requireSealer(); err != nil {
		return 0, err
	}
	total := 0
	for _, c := range sealedColumns {
		q := fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s IS NOT NULL`,
			strings.Join(c.keys, ", "), c.column, pgx.Identifier{c.table}.Sanitize(), c.column)
		rows, err := s.pool.Query(ctx, q)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return 0, err
			}
			sealed, _ := vals[len(vals)-1].([]byte)
			if _, current, err := s.sealer.open(sealed, c.label(vals[:len(c.keys)])); err != nil || !current {
				total++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	return total, nil
}
