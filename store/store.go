// Package store is meetvault's Postgres layer: tenants, recorded users and the
// archive index (conversations, files, failures). Migrations live in schemas/.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/meetvault/meetvault/schemas"
)

// Store wraps a pgx pool and the sealer for credentials at rest.
type Store struct {
	pool   *pgxpool.Pool
	sealer *Sealer
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Open connects to Postgres. sealKey (32 bytes) seals tenants' secrets; it may
// be nil for read-only users of the store that never touch secrets.
// previousKeys still open values sealed before a key rotation (Reseal).
func Open(ctx context.Context, url string, sealKey []byte, previousKeys ...[]byte) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: bad MEETVAULT_DATABASE_URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: cannot reach Postgres at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	s := &Store{pool: pool}
	if sealKey != nil {
		if s.sealer, err = NewSealer(sealKey, previousKeys...); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close releases the pool.
func (s *Store) Close() { s.pool.Close() }

// Pool exposes the pool for tests and reports.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate applies every pending migration from schemas/ with goose.
func (s *Store) Migrate(ctx context.Context) error {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	return migrate(ctx, db)
}

func migrate(ctx context.Context, db *sql.DB) error {
	// A Postgres advisory lock serialises workers (and the CLI) that start
	// at the same moment on a fresh database.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, schemas.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("store: applying migrations: %w", err)
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
