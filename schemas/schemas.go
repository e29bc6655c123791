// Package schemas holds meetvault's Postgres migrations. They are embedded in
// the binaries and applied by goose (see store.Migrate); never by hand.
package schemas

import "embed"

// FS holds the numbered goose migrations (*.sql).
//
//go:embed *.sql
var FS embed.FS
