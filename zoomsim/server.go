// Package zoomsim is a faithful fake of Zoom for the demo and the integration
// tests: Server-to-Server OAuth, the cloud-recording REST endpoints, file
// downloads and an admin API under /_sim to load scenarios, move the clock,
// inject faults and read back the ground truth. It is written from Zoom's
// documented behaviour and shares nothing with the Zoom client in zoom/.
package zoomsim

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultAddr is where the simulator listens unless told otherwise.
const DefaultAddr = "127.0.0.1:9090"

// Options configure a Server.
type Options struct {
	// Addr is the listen address for Start (default DefaultAddr; "127.0.0.1:0"
	// picks a free port).
	Addr string
	// Seed seeds the small default scenario New loads (see DefaultScenario).
	Seed int64
	// Logger receives request and admin logs (default: discarded).
	Logger *slog.Logger
	// FileAddr is the listen address of the file host, where downloads
	// redirect to (filehost.go). Default: 127.0.0.2:0 (or 127.0.0.1:0 named
	// "localhost" where 127.0.0.2 is not routed) when Addr is a loopback
	// address, else off; FileHostOff serves signed files on Addr.
	FileAddr string
	// FileURL is the file host's base URL in redirects (default: its
	// listen address).
	FileURL string
}

// Server is one simulated Zoom. All of it is served by Handler.
type Server struct {
	opts    Options
	log     *slog.Logger
	clock   clock
	faults  *faultState
	stats   *statsRecorder
	limits  *rateLimiter
	hooks   *webhookHub
	bots    *botHub
	tokens  tokenStore
	pages   pageTokens
	trash   trashState
	digests digests
	signKey []byte // signs /rec/file redirect URLs
	handler http.Handler

	// RTMS streams (rtms_hub.go), made on first use.
	rtms     *rtmsHub
	rtmsOnce sync.Once

	mu    sync.RWMutex
	state *world

	srvMu   sync.Mutex
	httpSrv *http.Server
	baseURL string
	fileSrv *http.Server // the file host (filehost.go); nil when off
	fileURL string
}

// DefaultScenario is what New loads: one business account with three users and
// ten meetings over the thirty days before the simulator's yesterday.
func DefaultScenario(seed int64) Scenario {
	return Scenario{Generate: &GenerateRequest{Seed: seed, Accounts: 1, Users: 3, Meetings: 10, MaxFileBytes: 4 << 20}}
}

// New builds a simulator with the default scenario loaded.
func New(opts Options) *Server {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{opts: opts, log: opts.Logger, faults: newFaultState(), stats: newStatsRecorder(), limits: newRateLimiter()}
	s.hooks = newWebhookHub(s)
	s.bots = newBotHub(s)
	s.signKey = make([]byte, 32)
	_, _ = rand.Read(s.signKey)
	if _, err := s.LoadScenario(DefaultScenario(opts.Seed)); err != nil {
		panic("zoomsim: default scenario: " + err.Error()) // a bug, not an input error
	}
	s.handler = s.routes()
	return s
}

// Handler serves the whole simulator: /oauth, /v2, /rec and /_sim.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on Options.Addr and serves in the background. It returns the
// base URL, e.g. "http://127.0.0.1:9090".
func (s *Server) Start() (string, error) {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.httpSrv != nil {
		return "", errors.New("zoomsim: already started")
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return "", err
	}
	if err := s.startFileHost(); err != nil {
		ln.Close()
		return "", fmt.Errorf("zoomsim: file host: %w", err)
	}
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.baseURL = "http://" + ln.Addr().String()
	go func() {
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("zoomsim: serve", "err", err)
		}
	}()
	s.log.Info("zoomsim listening", "url", s.baseURL)
	return s.baseURL, nil
}

// URL is the base URL Start listens on ("" before Start).
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.baseURL
}

// Shutdown stops accepting connections and waits for open requests until ctx
// ends; then it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.hooks.stop()
	s.bots.stop()
	s.srvMu.Lock()
	srv, files := s.httpSrv, s.fileSrv
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	if files != nil {
		go func() { _ = files.Shutdown(ctx) }()
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		_ = srv.Close()
	}
	return err
}

// Close stops the server at once, dropping open downloads.
func (s *Server) Close() error {
	s.hooks.stop()
	s.bots.stop()
	s.srvMu.Lock()
	srv, files := s.httpSrv, s.fileSrv
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	if files != nil {
		_ = files.Close()
	}
	return srv.Close()
}

// Now is the simulator clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

// SetClock moves the simulator clock to t.
func (s *Server) SetClock(t time.Time) time.Time {
	defer s.bots.clockChanged() // due bot webhook retries
	defer s.hooks.kick()        // due webhook retries and finished files
	return s.clock.Set(t)
}

// AdvanceClock moves the simulator clock by d.
func (s *Server) AdvanceClock(d time.Duration) time.Time {
	defer s.bots.clockChanged()
	defer s.hooks.kick()
	return s.clock.Advance(d)
}

// Faults returns the current fault settings.
func (s *Server) Faults() Faults { return s.faults.get() }

// UpdateFaults applies a partial update and returns the new settings.
func (s *Server) UpdateFaults(p FaultsPatch) Faults { return s.faults.apply(p) }

// Stats returns the request counters and each account's daily-pool usage.
func (s *Server) Stats() Stats { return s.withPools(s.stats.snapshot()) }

// LoadScenario replaces the whole state (accounts, tokens, page tokens) with
// the scenario, explicit or generated.
func (s *Server) LoadScenario(sc Scenario) (LoadResult, error) {
	if sc.Generate != nil {
		if len(sc.Accounts) > 0 {
			return LoadResult{}, errors.New("give either generate or accounts, not both")
		}
		gen, err := generate(*sc.Generate, s.clock.Now())
		if err != nil {
			return LoadResult{}, err
		}
		gen.UserOAuthApp, gen.BotProvider, gen.Zoom = sc.UserOAuthApp, sc.BotProvider, sc.Zoom
		if len(gen.Accounts) > 0 {
			gen.Accounts[0].LiveMeetings = sc.Generate.LiveMeetings
		}
		sc = gen
	}
	w, err := buildWorld(sc)
	if err != nil {
		return LoadResult{}, err
	}
	s.mu.Lock()
	s.state = w
	s.tokens.reset()
	s.pages.reset()
	s.limits.reset()
	s.trash.reset()
	s.mu.Unlock()
	s.hooks.load(w, s.clock.Now())
	s.bots.load(w) // stops the previous scenario's bots
	res := LoadResult{Accounts: []string{}}
	for _, a := range w.accounts {
		res.Accounts = append(res.Accounts, a.ID)
		res.Conversations += len(a.meetings)
		for _, m := range a.meetings {
			res.Files += len(m.files) + len(m.participantAudio)
		}
	}
	s.log.Info("zoomsim scenario loaded", "seed", w.seed, "accounts", len(res.Accounts), "conversations", res.Conversations, "files", res.Files)
	return res, nil
}

// Scenario returns the loaded scenario in explicit form, every id filled in.
func (s *Server) Scenario() Scenario { return s.world().scenario }

func (s *Server) world() *world {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.state
}
