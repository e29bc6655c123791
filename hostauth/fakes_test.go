package hostauth

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/store"
)

// ---- a Zoom of our own: user OAuth token endpoint and the API calls ----

type fakeUser struct {
	id, account, email string
	localRecording     bool
}

// fakeZoom issues user tokens with rotation (a refresh token works once),
// checks PKCE, and answers /users/me, settings, meetings and join tokens for
// the user a bearer token belongs to.
type fakeZoom struct {
	t   *testing.T
	srv *httptest.Server

	mu           sync.Mutex
	users        map[string]fakeUser    // by id
	codes        map[string]string      // authorization code → user id
	challenges   map[string]string      // authorization code → S256 challenge
	redirects    map[string]string      // authorization code → redirect_uri
	access       map[string]string      // live access token → user id
	refresh      map[string]string      // live refresh token → user id
	meetings     map[string]string      // meeting id → host user id
	n            int                    // token counter
	verifiers    []string               // code_verifier of each exchange
	jointokens   []url.Values           // queries of join-token calls
	userTokens   []url.Values           // queries of /users/me/token calls
	noTokenScope map[string]bool        // user id → the token lacks user:read:token
	refreshErr   func() (int, string)   // when set, refreshes answer this status and body
	meetingErr   map[string]int         // user id → status GET /meetings answers
	apiHook      func(user string) bool // when it returns false the API answers 401

	refreshCalls  atomic.Int32
	exchangeCalls atomic.Int32
	refreshDelay  time.Duration
}

const (
	testClientID     = "user-app"
	testClientSecret = "user-app-secret"
	testAccount      = "acc-acme"
)

func newFakeZoom(t *testing.T) *fakeZoom {
	f := &fakeZoom{t: t, users: map[string]fakeUser{}, codes: map[string]string{}, challenges: map[string]string{},
		redirects: map[string]string{}, access: map[string]string{}, refresh: map[string]string{},
		meetings: map[string]string{}, meetingErr: map[string]int{}, noTokenScope: map[string]bool{}}
	f.users["u-alice"] = fakeUser{"u-alice", testAccount, "alice@acme.example", true}
	f.users["u-bob"] = fakeUser{"u-bob", testAccount, "bob@acme.example", false}
	f.users["u-eve"] = fakeUser{"u-eve", "acc-other", "eve@other.example", true}
	f.meetings["111"] = "u-alice"
	f.meetings["222"] = "u-bob"
	f.meetings["999"] = "u-external"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("GET /v2/users/me", f.api(func(w http.ResponseWriter, r *http.Request, u fakeUser) {
		writeJSON(w, 200, map[string]any{"id": u.id, "account_id": u.account, "email": u.email, "type": 2})
	}))
	mux.HandleFunc("GET /v2/users/{id}/settings", f.api(func(w http.ResponseWriter, r *http.Request, u fakeUser) {
		if r.PathValue("id") != u.id {
			writeJSON(w, 404, map[string]any{"code": 1001, "message": "User does not exist"})
			return
		}
		writeJSON(w, 200, map[string]any{"recording": map[string]any{"local_recording": u.localRecording, "cloud_recording": true}})
	}))
	mux.HandleFunc("GET /v2/meetings/{id}", f.api(func(w http.ResponseWriter, r *http.Request, u fakeUser) {
		f.mu.Lock()
		status, host := f.meetingErr[u.id], f.meetings[r.PathValue("id")]
		f.mu.Unlock()
		if status != 0 {
			writeJSON(w, status, map[string]any{"code": status, "message": "injected"})
			return
		}
		if host != u.id {
			writeJSON(w, 404, map[string]any{"code": 3001, "message": "Meeting does not exist: " + r.PathValue("id")})
			return
		}
		writeJSON(w, 200, map[string]any{"id": r.PathValue("id"), "uuid": "uuid-" + r.PathValue("id"), "host_id": host,
			"host_email": u.email, "topic": "Weekly", "status": "started", "type": 2})
	}))
	mux.HandleFunc("GET /v2/meetings/{id}/jointoken/local_recording", f.api(func(w http.ResponseWriter, r *http.Request, u fakeUser) {
		f.mu.Lock()
		f.jointokens = append(f.jointokens, r.URL.Query())
		host := f.meetings[r.PathValue("id")]
		f.n++
		n := f.n
		f.mu.Unlock()
		if host != u.id {
			writeJSON(w, 400, map[string]any{"code": 3000, "message": "Cannot access meeting info."})
			return
		}
		writeJSON(w, 200, map[string]any{"token": fmt.Sprintf("jt-%s-%d", r.PathValue("id"), n), "expire_in": 120})
	}))
	mux.HandleFunc("GET /v2/users/me/token", f.api(func(w http.ResponseWriter, r *http.Request, u fakeUser) {
		f.mu.Lock()
		f.userTokens = append(f.userTokens, r.URL.Query())
		f.n++
		n := f.n
		noScope := f.noTokenScope[u.id]
		f.mu.Unlock()
		if noScope {
			writeJSON(w, 400, map[string]any{"code": 4711, "message": "Invalid access token, does not contain scopes:[user:read:token]."})
			return
		}
		writeJSON(w, 200, map[string]any{"token": fmt.Sprintf("%s-%s-%s-%d", r.URL.Query().Get("type"), u.id, r.URL.Query().Get("meeting_id"), n)})
	}))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// authorize plays the host approving the app in the browser: it reads the
// authorize URL and registers a code for user.
func (f *fakeZoom) authorize(t *testing.T, authURL, user string) (state, code string) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/oauth/authorize" || q.Get("client_id") != testClientID || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		t.Fatalf("authorize URL %s", authURL)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	code = fmt.Sprintf("code-%d", f.n)
	f.codes[code] = user
	f.challenges[code] = q.Get("code_challenge")
	f.redirects[code] = q.Get("redirect_uri")
	return q.Get("state"), code
}

func (f *fakeZoom) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != testClientID || secret != testClientSecret {
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "reason": "Invalid client_id or client_secret"})
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	var user string
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		f.exchangeCalls.Add(1)
		code := r.PostForm.Get("code")
		user = f.codes[code]
		delete(f.codes, code)
		f.verifiers = append(f.verifiers, r.PostForm.Get("code_verifier"))
		if user == "" || oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != f.challenges[code] ||
			r.PostForm.Get("redirect_uri") != f.redirects[code] {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "reason": "Invalid authorization code"})
			return
		}
	case "refresh_token":
		f.refreshCalls.Add(1)
		if f.refreshDelay > 0 {
			f.mu.Unlock()
			time.Sleep(f.refreshDelay)
			f.mu.Lock()
		}
		if f.refreshErr != nil {
			status, body := f.refreshErr()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
			return
		}
		rt := r.PostForm.Get("refresh_token")
		user = f.refresh[rt]
		if user == "" {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "reason": "Invalid Token!"})
			return
		}
		// Rotation: the old refresh token and the user's access tokens die.
		delete(f.refresh, rt)
		for a, u := range f.access {
			if u == user {
				delete(f.access, a)
			}
		}
	default:
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	f.n++
	a, rt := fmt.Sprintf("access-%s-%d", user, f.n), fmt.Sprintf("refresh-%s-%d", user, f.n)
	f.access[a], f.refresh[rt] = user, user
	writeJSON(w, 200, map[string]any{"access_token": a, "refresh_token": rt, "token_type": "bearer", "expires_in": 3599, "scope": "meeting:read user:read"})
}

func (f *fakeZoom) api(h func(http.ResponseWriter, *http.Request, fakeUser)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		id, ok := f.access[tok]
		u := f.users[id]
		hook := f.apiHook
		f.mu.Unlock()
		if ok && hook != nil {
			ok = hook(id)
		}
		if !ok {
			writeJSON(w, 401, map[string]any{"code": 124, "message": "Invalid access token."})
			return
		}
		h(w, r, u)
	}
}

// liveRefreshToken reports whether rt is the user's current refresh token.
func (f *fakeZoom) liveRefreshToken(rt string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refresh[rt] != ""
}

func (f *fakeZoom) revokeAccess(user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for a, u := range f.access {
		if u == user {
			delete(f.access, a)
		}
	}
}

// ---- an in-memory store with the same contract as *store.Store ----

type memRepo struct {
	mu      sync.Mutex
	tenants map[string]store.Tenant
	states  map[string]store.HostOAuthState
	conns   map[string]store.HostConnection
	links   map[string]store.JoinLink
	locks   map[string]*sync.Mutex
}

func newMemRepo() *memRepo {
	return &memRepo{tenants: map[string]store.Tenant{"acme": {ID: "acme", ZoomAccountID: testAccount}},
		states: map[string]store.HostOAuthState{}, conns: map[string]store.HostConnection{},
		links: map[string]store.JoinLink{}, locks: map[string]*sync.Mutex{}}
}

func key(a, b string) string { return a + "\x00" + b }

func (m *memRepo) Tenant(_ context.Context, id string) (store.Tenant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tenants[id]
	if !ok {
		return t, fmt.Errorf("tenant %q: %w", id, store.ErrNotFound)
	}
	return t, nil
}

func (m *memRepo) SaveHostOAuthState(_ context.Context, st store.HostOAuthState, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[hex.EncodeToString(st.StateSHA256)] = st
	return nil
}

func (m *memRepo) TakeHostOAuthState(_ context.Context, h []byte) (store.HostOAuthState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.states[hex.EncodeToString(h)]
	if !ok {
		return st, store.ErrNotFound
	}
	delete(m.states, hex.EncodeToString(h))
	return st, nil
}

func (m *memRepo) SaveHostConnection(_ context.Context, c store.HostConnection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Status, c.DeadReason, c.RefreshCount = store.HostConnectionActive, "", 0
	m.conns[key(c.TenantID, c.ZoomUserID)] = c
	return nil
}

func (m *memRepo) HostConnection(_ context.Context, t, u string) (store.HostConnection, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.conns[key(t, u)]
	if !ok {
		return c, store.ErrNotFound
	}
	return c, nil
}

func (m *memRepo) HostConnections(_ context.Context, t string) ([]store.HostConnection, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.HostConnection
	for _, c := range m.conns {
		if c.TenantID == t {
			c.AccessToken, c.RefreshToken = "", ""
			out = append(out, c)
		}
	}
	// Stable order: by user id.
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].ZoomUserID < out[i].ZoomUserID {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out, nil
}

type memWriter struct {
	m *memRepo
	k string
}

func (w memWriter) SaveTokens(_ context.Context, t store.HostTokens) error {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	c := w.m.conns[w.k]
	c.AccessToken, c.RefreshToken, c.AccessExpiresAt, c.RefreshedAt = t.AccessToken, t.RefreshToken, t.Expiry, t.RefreshedAt
	if t.Scope != "" {
		c.Scope = t.Scope
	}
	c.RefreshCount++
	w.m.conns[w.k] = c
	return nil
}

func (w memWriter) MarkDead(_ context.Context, reason string) error {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	c := w.m.conns[w.k]
	c.Status, c.DeadReason = store.HostConnectionDead, reason
	w.m.conns[w.k] = c
	return nil
}

// LockHostConnection holds a per-row mutex, like SELECT ... FOR UPDATE.
func (m *memRepo) LockHostConnection(ctx context.Context, t, u string, fn func(context.Context, store.HostConnection, store.HostConnectionWriter) error) error {
	k := key(t, u)
	m.mu.Lock()
	l, ok := m.locks[k]
	if !ok {
		l = &sync.Mutex{}
		m.locks[k] = l
	}
	m.mu.Unlock()
	l.Lock()
	defer l.Unlock()
	c, err := m.HostConnection(ctx, t, u)
	if err != nil {
		return err
	}
	return fn(ctx, c, memWriter{m, k})
}

func (m *memRepo) SaveJoinLink(_ context.Context, l store.JoinLink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.links[hex.EncodeToString(l.SecretSHA256)] = l
	return nil
}

func (m *memRepo) UseJoinLink(_ context.Context, h []byte, at time.Time) (store.JoinLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.links[hex.EncodeToString(h)]
	if !ok {
		return l, store.ErrNotFound
	}
	l.Uses++
	m.links[hex.EncodeToString(h)] = l
	return l, nil
}

// ---- helpers ----

// clock is a settable clock shared by a test's services.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func testConfig(f *fakeZoom, clk *clock) Config {
	return Config{ClientID: testClientID, ClientSecret: testClientSecret, OAuthURL: f.srv.URL, APIURL: f.srv.URL + "/v2",
		PublicURL: "https://mv.example/", HTTPClient: f.srv.Client(), Now: clk.Now}
}

func newTestService(t *testing.T, f *fakeZoom, r repo, clk *clock) *Service {
	t.Helper()
	s, err := newService(testConfig(f, clk), r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connect runs the whole authorization for user and returns the connection.
func connect(t *testing.T, s *Service, f *fakeZoom, user string) *Connection {
	t.Helper()
	ctx := context.Background()
	u, err := s.AuthorizeURL(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	state, code := f.authorize(t, u, user)
	c, err := s.Complete(ctx, state, code)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	return c
}

func secretOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("secret")
}

func containsBytes(haystack []byte, needle string) bool {
	return bytes.Contains(haystack, []byte(needle))
}
