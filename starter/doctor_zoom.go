package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// codeMissingScopes is Zoom's answer for a token that lacks a scope: HTTP
// 400, code 4711, "Invalid access token, does not contain scopes:[a, b]."
const codeMissingScopes = 4711

var missingScopesRE = regexp.MustCompile(`scopes:\s*\[([^\]]*)\]`)

// missingScopes returns the scopes a 4711 error names (or "unknown" when
// the message has none), and false for any other error.
func missingScopes(err error) (string, bool) {
	var er *zoom.ErrorResponse
	if !errors.As(err, &er) || er.Code != codeMissingScopes {
		return "", false
	}
	if m := missingScopesRE.FindStringSubmatch(er.Message); m != nil && strings.TrimSpace(m[1]) != "" {
		return strings.TrimSpace(m[1]), true
	}
	return "(the scope Zoom names in: " + er.Message + ")", true
}

// zoomDoctor checks a tenant's Zoom side through its Server-to-Server app:
// the credentials, the scopes meetvault's calls need, and each recorded
// user's recording settings.
type zoomDoctor struct {
	tenant store.Tenant
	client *zoom.Client
	// recorded is the tenant's explicit user list; nil when it records
	// every user of the account (then the account's users are listed).
	recorded []store.RecordedUser
	// parallel bounds concurrent settings reads (Medium: 60/s on Business).
	parallel int
	now      func() time.Time

	mu     sync.Mutex
	scopes map[string]bool // missing scopes already reported
}

// userRef is a user to check: the id or e-mail used in API paths, and the
// name shown in problems.
type userRef struct{ id, name string }

func (d *zoomDoctor) run(ctx context.Context, r *doctorReport) {
	if _, err := d.client.AccessToken(ctx); err != nil {
		r.add("zoom_credentials", "Server-to-Server OAuth token refused", problem{
			Problem: "Zoom refused the tenant's Server-to-Server OAuth credentials (" + oneLine(err) + ")",
			Fix:     fmt.Sprintf(fixCredentials, d.tenant.ID), Blocks: true})
		r.skip("zoom_settings", "no Zoom token")
		return
	}
	r.add("zoom_credentials", "Server-to-Server OAuth token issued for account "+d.tenant.ZoomAccountID)

	users, err := d.users(ctx)
	if err != nil {
		r.add("zoom_users", "listing the account's users failed", d.apiProblem(err, "listing users (GET /users)"))
		r.skip("zoom_settings", "no user list")
		return
	}
	r.add("zoom_users", fmt.Sprintf("%d recorded user(s)", len(users)))

	var scopeProblems []problem
	if len(users) > 0 {
		// A cheap call of the import's: one day of one user's recordings
		// (Medium), to surface a missing recording scope before an import
		// meets it.
		today := d.now().UTC()
		_, _, err := d.client.Recordings.ListUser(ctx, users[0].id, zoom.ListRecordingsOptions{From: today.AddDate(0, 0, -1), To: today, PageSize: 1})
		if err != nil && !zoom.IsNotFound(err) {
			scopeProblems = append(scopeProblems, d.apiProblem(err, "listing cloud recordings (GET /users/{id}/recordings)"))
		}
	}
	settingsProblems, checked := d.settings(ctx, users)
	for _, p := range settingsProblems {
		if p.Check == "scopes" {
			scopeProblems = append(scopeProblems, p)
		}
	}
	r.add("zoom_scopes", "recording listing and user settings readable", scopeProblems...)
	var userProblems []problem
	for _, p := range settingsProblems {
		if p.Check != "scopes" {
			userProblems = append(userProblems, p)
		}
	}
	r.add("zoom_settings", fmt.Sprintf("%d user(s) checked: local and cloud recording", checked), userProblems...)
	r.note(noteRecordingRequests)
}

// users returns the users whose recordings the tenant archives.
func (d *zoomDoctor) users(ctx context.Context) ([]userRef, error) {
	if d.recorded != nil {
		out := make([]userRef, 0, len(d.recorded))
		for _, u := range d.recorded {
			id, name := u.ZoomUserID, u.Email
			if id == "" {
				id = u.Email
			}
			if name == "" {
				name = id
			}
			out = append(out, userRef{id: id, name: name})
		}
		return out, nil
	}
	all, err := d.client.Users.ListAll(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]userRef, 0, len(all))
	for _, u := range all {
		name := u.Email
		if name == "" {
			name = u.ID
		}
		out = append(out, userRef{id: u.ID, name: name})
	}
	return out, nil
}

// settings reads every user's settings, a few at a time, and returns the
// problems in the users' order with the number of users read.
func (d *zoomDoctor) settings(ctx context.Context, users []userRef) ([]problem, int) {
	found := make([][]problem, len(users))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(d.parallel, 1))
	var mu sync.Mutex
	checked := 0
	for i, u := range users {
		g.Go(func() error {
			st, _, err := d.client.Users.GetSettings(gctx, u.id)
			if err != nil {
				if p, ok := d.userError(u, err); ok {
					found[i] = []problem{p}
				}
				return nil
			}
			mu.Lock()
			checked++
			mu.Unlock()
			found[i] = settingsProblems(u, st.Recording)
			return nil
		})
	}
	_ = g.Wait()
	var out []problem
	for _, ps := range found {
		out = append(out, ps...)
	}
	return out, checked
}

// settingsProblems is what one user's recording settings block.
func settingsProblems(u userRef, rec zoom.RecordingSettings) []problem {
	var out []problem
	if !rec.LocalRecording {
		out = append(out, problem{User: u.name, Check: "local_recording",
			Problem: "local recording is off (meeting bots cannot record this host's meetings)",
			Fix:     fixLocalRecording, Blocks: true})
	}
	if !rec.CloudRecording {
		out = append(out, problem{User: u.name, Check: "cloud_recording",
			Problem: "cloud recording is off (Zoom keeps no cloud recordings of this user to import)",
			Fix:     fixCloudRecording, Blocks: true})
	}
	return out
}

// userError turns a failed settings read into a problem; a missing scope is
// reported once for all users.
func (d *zoomDoctor) userError(u userRef, err error) (problem, bool) {
	if scopes, ok := missingScopes(err); ok {
		return d.scopeProblem(scopes, "reading user settings (GET /users/{id}/settings)")
	}
	if zoom.IsNotFound(err) {
		return problem{User: u.name, Check: "zoom_user", Problem: "no such user in Zoom account " + d.tenant.ZoomAccountID,
			Fix: fmt.Sprintf(fixUnknownUser, d.tenant.ID), Blocks: true}, true
	}
	return problem{User: u.name, Check: "zoom_settings", Problem: "reading the user's settings failed: " + oneLine(err),
		Fix: "run the doctor again; if it persists, check Zoom's status page and the app's scopes", Blocks: false}, true
}

// apiProblem turns a failed account-level call into a problem.
func (d *zoomDoctor) apiProblem(err error, what string) problem {
	if scopes, ok := missingScopes(err); ok {
		p, _ := d.scopeProblem(scopes, what) // an account-level call reports it whether or not it was seen
		return p
	}
	if zoom.IsUnauthorized(err) {
		return problem{Check: "zoom_credentials", Problem: what + " was refused: " + oneLine(err),
			Fix: fmt.Sprintf(fixCredentials, d.tenant.ID), Blocks: true}
	}
	return problem{Check: "zoom_api", Problem: what + " failed: " + oneLine(err),
		Fix: "run the doctor again; if it persists, check MEETVAULT_ZOOM_API_URL and Zoom's status page", Blocks: true}
}

// scopeProblem builds the problem of missing scopes; first is false when
// the same scopes were reported before, so per-user calls report them once.
func (d *zoomDoctor) scopeProblem(scopes, what string) (p problem, first bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.scopes == nil {
		d.scopes = map[string]bool{}
	}
	first = !d.scopes[scopes]
	d.scopes[scopes] = true
	return problem{Check: "scopes", Problem: "the Server-to-Server app lacks scopes " + scopes + " for " + what,
		Fix: fmt.Sprintf(fixScope, scopes), Blocks: true}, first
}
