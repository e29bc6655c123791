package zoomsim

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// The file host. Zoom answers a download with a 302 to a signed URL on
// another host (its CDN), which needs no token and must not get the bearer
// token: a client that forwards it across hosts leaks it. The simulator
// reproduces this with a second listener under another host name, serving
// only /rec/file/{opaque}?expires&sig. Like a signed-URL store (S3), it
// refuses a request that also brings an Authorization header (400
// InvalidArgument "Only one auth mechanism allowed"), so a leaked token shows
// up as a failed download rather than going unnoticed.

// FileHostOff as Options.FileAddr serves signed files on the API's listener.
const FileHostOff = "off"

// defaultFileAddr is where the file host listens unless told otherwise:
// another loopback address, so that it has another host name.
const defaultFileAddr = "127.0.0.2:0"

// fileAddrFor resolves Options.FileAddr: the default applies only when the
// API listens on loopback (elsewhere, e.g. 0.0.0.0 in a container, a second
// loopback address would not be reachable; give FileAddr and FileURL there).
func fileAddrFor(opts Options) string {
	if opts.FileAddr != "" {
		return opts.FileAddr
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return FileHostOff
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return defaultFileAddr
	}
	return FileHostOff
}

// startFileHost listens for the file host. When the default second loopback
// address is not available (some systems only route 127.0.0.1), it listens
// on 127.0.0.1 and is named "localhost", still another host name. The caller
// holds srvMu.
func (s *Server) startFileHost() error {
	addr := fileAddrFor(s.opts)
	if addr == FileHostOff {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	name := ""
	if err != nil && s.opts.FileAddr == "" {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		name = "localhost"
	}
	if err != nil {
		return err
	}
	base := s.opts.FileURL
	if base == "" {
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		if name != "" {
			host = name
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rec/file/{opaque}", s.serveFileHost)
	mux.HandleFunc("GET /_sim/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.fileSrv = &http.Server{Handler: s.logged(mux), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.fileURL = strings.TrimSuffix(base, "/")
	go func() {
		if err := s.fileSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("zoomsim: serve file host", "err", err)
		}
	}()
	s.log.Info("zoomsim file host listening", "url", s.fileURL)
	return nil
}

// FileHostURL is the base URL downloads redirect to ("" when signed files
// are served on the API's listener: before Start, or with FileHostOff).
func (s *Server) FileHostURL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.fileURL
}

func (s *Server) fileHostURL() string { return s.FileHostURL() }

// serveFileHost is the file host's /rec/file/{opaque}: the signed URL, with
// no Authorization header allowed.
func (s *Server) serveFileHost(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		s.stats.fileHostAuthRefused()
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument</Code>" +
			"<Message>Only one auth mechanism allowed; only the signature query string parameters or the Authorization header should be specified</Message>" +
			"<ArgumentName>Authorization</ArgumentName></Error>\n"))
		return
	}
	s.serveSignedFile(w, r)
}
