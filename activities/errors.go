package activities

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/netguard"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// Error types of activity failures. Workflows and the archive's failure table
// use them as typed reasons; each has an actionable message.
const (
	ErrHTMLErrorPage     = "html_error_page"     // Zoom answered an HTML page instead of media
	ErrSizeMismatch      = "size_mismatch"       // bytes received differ from Zoom's file_size
	ErrTruncatedDownload = "truncated_download"  // the connection closed before the end of the file
	ErrRecordingNotFound = "recording_not_found" // Zoom no longer has the recording
	ErrUnauthorized      = "zoom_unauthorized"   // the app's credentials were rejected
	ErrTokenRejected     = "zoom_token_rejected" // an access token was rejected; the next attempt fetches a new one
	ErrRateLimited       = "zoom_rate_limited"   // per-second 429 from Zoom: retried after its delay
	ErrDailyLimit        = "zoom_daily_limit"    // the account's daily pool is used up: the tenant waits for the reset
	ErrPageTokenExpired  = "page_token_expired"  // next_page_token older than 15 minutes
	ErrTenantUnknown     = "tenant_unknown"      // no such tenant in Postgres
	ErrZoomAPI           = "zoom_api_error"      // other Zoom API errors
	// ErrZoomPermission: the app lacks a scope or permission (Zoom 4711,
	// 4700, 200 "No permission."): a configuration error, never retried.
	ErrZoomPermission   = "zoom_missing_permission"
	ErrDownloadRefused  = "download_refused"   // the link (or a redirect hop, or its address) is off the allowlist
	ErrDownloadTooLarge = "download_too_large" // a download of unannounced size went past MEETVAULT_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB
	ErrObjectKeyInvalid = "object_key_invalid" // the object key would leave the tenant's prefix
	ErrObjectConflict   = "object_conflict"    // another object already holds the key
)

// NonRetryable lists the error types retrying cannot fix.
var NonRetryable = []string{ErrDailyLimit, ErrHTMLErrorPage, ErrRecordingNotFound, ErrUnauthorized, ErrPageTokenExpired, ErrTenantUnknown,
	ErrZoomPermission, ErrDownloadRefused, ErrDownloadTooLarge, ErrObjectKeyInvalid, ErrObjectConflict}

// DailyLimitDetails ride on an ErrDailyLimit error: when the pool resets.
type DailyLimitDetails struct {
	RetryAfter time.Time `json:"retry_after"`
}

// classify turns an error into a typed Temporal application error. Its
// message and every cause are scrubbed of signed-URL queries and tokens
// (netguard.ScrubError): they end up in workflow history and Postgres.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	err = netguard.ScrubError(err)
	what = netguard.ScrubText(what)
	var tooLarge *TooLargeError
	var typed *temporal.ApplicationError
	switch {
	case errors.As(err, &typed) && typed.HasDetails():
		return typed // classified here already (details ride on it, e.g. the daily-limit reset)
	case errors.As(err, &typed):
		// Classified deeper down (e.g. bot media gone): keep its type and
		// retryability at the top, where Temporal reads them.
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("%s: %v", what, err), typed.Type(),
			temporal.ApplicationErrorOptions{NonRetryable: typed.NonRetryable(), Cause: err, NextRetryDelay: typed.NextRetryDelay()})
	case netguard.IsRefused(err):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrDownloadRefused, err)
	case errors.As(err, &tooLarge):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrDownloadTooLarge, err)
	case errors.Is(err, errKeyInvalid):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrObjectKeyInvalid, err)
	case errors.Is(err, archive.ErrObjectExists):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrObjectConflict, err)
	}
	var htmlErr *zoom.HTMLResponseError
	var rl *zoom.RateLimitError
	var size *archive.SizeMismatchError
	var tokenErr *zoom.TokenError
	var perm *zoom.PermissionError
	switch {
	case errors.As(err, &perm):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %s", what, permissionAdvice(perm)), ErrZoomPermission, err)
	case errors.As(err, &htmlErr), errors.As(err, new(*errHTMLBody)):
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: Zoom sent an HTML page instead of the media (the file was deleted, or the token lacks access): %v", what, err),
			ErrHTMLErrorPage, err)
	case errors.As(err, &rl) && rl.Daily:
		// Retrying before the reset only spends more of Zoom's patience: the
		// tenant workflow sleeps until RetryAfter and resumes the work.
		until := localRetryAfter(rl, time.Now())
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: Zoom's daily Heavy/Resource-intensive pool is used up until %s (local time %s): %v", what,
				rl.RetryAfter.UTC().Format(time.RFC3339), until.Format(time.RFC3339), err),
			ErrDailyLimit, err, DailyLimitDetails{RetryAfter: until})
	case errors.As(err, &rl):
		delay := time.Until(rl.RetryAfter)
		if delay <= 0 {
			delay = time.Second
		}
		return temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("%s: Zoom rate limit (%s %s), retrying after %s: %v", what, rl.Category, rl.Type, delay.Round(time.Second), err),
			ErrRateLimited, temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: delay})
	case errors.As(err, &size):
		return temporal.NewApplicationErrorWithCause(fmt.Sprintf("%s: %v", what, err), ErrSizeMismatch, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return temporal.NewApplicationErrorWithCause(
			fmt.Sprintf("%s: the download ended before the end of the file; resuming from the last archived part: %v", what, err),
			ErrTruncatedDownload, err)
	case errors.Is(err, zoom.ErrPageTokenExpired):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrPageTokenExpired, err)
	case zoom.IsNotFound(err):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrRecordingNotFound, err)
	case errors.As(err, &tokenErr) && tokenErr.IsCredentialsError():
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: Zoom rejected the tenant's credentials; check the Server-to-Server OAuth app's client id/secret and scopes (starter tenant add): %v", what, err),
			ErrUnauthorized, err)
	case zoom.IsUnauthorized(err):
		return temporal.NewApplicationErrorWithCause(fmt.Sprintf("%s: %v", what, err), ErrTokenRejected, err)
	case errors.Is(err, store.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v (register it with: starter tenant add)", what, err), ErrTenantUnknown, err)
	}
	var zerr *zoom.ErrorResponse
	if errors.As(err, &zerr) {
		return temporal.NewApplicationErrorWithCause(fmt.Sprintf("%s: %v", what, err), ErrZoomAPI, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func htmlError(snippet string) error { return &errHTMLBody{snippet: snippet} }

// localRetryAfter turns Zoom's absolute Retry-After into this host's clock:
// the delay is measured against the response's Date header (Zoom's clock), so
// a skewed clock on either side does not move the wake-up.
func localRetryAfter(rl *zoom.RateLimitError, now time.Time) time.Time {
	if rl.RetryAfter.IsZero() {
		return zoom.NextMidnightUTC(now)
	}
	if rl.Response != nil {
		if served, err := http.ParseTime(rl.Response.Header.Get("Date")); err == nil {
			return now.Add(rl.RetryAfter.Sub(served)).UTC()
		}
	}
	return rl.RetryAfter.UTC()
}

// permissionAdvice says which scope the tenant's Zoom app lacks and what to
// do about it.
func permissionAdvice(pe *zoom.PermissionError) string {
	if len(pe.Scopes) == 0 {
		return fmt.Sprintf("Zoom refused the call for lack of permission (code %d: %s): check the tenant's Server-to-Server OAuth app "+
			"(Zoom App Marketplace › the app › Scopes) and the account's roles and plan for this endpoint; not retried",
			pe.Err.Code, pe.Err.Message)
	}
	return fmt.Sprintf("the tenant's Zoom app lacks the scope(s) %s (code %d): add them in the Zoom App Marketplace (the app › Scopes), "+
		"save and reactivate the app, then run the import again; not retried", strings.Join(pe.Scopes, ", "), pe.Err.Code)
}
