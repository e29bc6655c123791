package codec

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"go.temporal.io/sdk/converter"
)

// ServerOptions configure the codec server.
type ServerOptions struct {
	// Token is required on every encode / decode request, either as the
	// Authorization header ("Bearer TOKEN" or the bare token, which is what
	// `temporal --codec-auth TOKEN` sends) or as the path segment before
	// /encode or /decode (PREFIX/TOKEN/decode), for the Web UI, which cannot
	// add a header of its own.
	Token string
	// AllowedOrigins are the Web UI origins (scheme://host:port) whose
	// browsers may call the server (CORS); others get no CORS headers.
	AllowedOrigins []string
	// MaxBodyBytes bounds a request body (default 4 MiB: Temporal's payload
	// limit is 2 MiB, the JSON base64 form a third larger).
	MaxBodyBytes int64
}

// MinTokenLength is the shortest token NewHandler accepts.
const MinTokenLength = 16

// Handler serves Temporal's remote codec protocol for c with a token and
// CORS for the Web UI. Mount it under a prefix (http.StripPrefix is not
// needed: only the path's last segments are looked at).
type Handler struct {
	codec   http.Handler
	token   [32]byte
	origins []string
	max     int64
}

// NewHandler builds the codec server.
func NewHandler(c *Codec, opts ServerOptions) (*Handler, error) {
	if c == nil {
		return nil, fmt.Errorf("codec server: no codec keys: set %s or %s", EnvKeys, EnvKeyFile)
	}
	if len(opts.Token) < MinTokenLength {
		return nil, fmt.Errorf("config: %s must be at least %d characters (head -c24 /dev/urandom | base64)", EnvAuthToken, MinTokenLength)
	}
	max := opts.MaxBodyBytes
	if max <= 0 {
		max = 4 << 20
	}
	return &Handler{
		codec:   converter.NewPayloadCodecHTTPHandler(c),
		token:   sha256.Sum256([]byte(opts.Token)),
		origins: opts.AllowedOrigins,
		max:     max,
	}, nil
}

// ParseOrigins splits MEETVAULT_CODEC_CORS_ORIGINS (comma-separated).
func ParseOrigins(spec string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(spec, ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		if o == "*" {
			return nil, fmt.Errorf("config: %s: '*' would let any web page decode payloads; list the Web UI's origin (e.g. http://127.0.0.1:8233)", EnvCORSOrigins)
		}
		if !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") || strings.Count(o, "/") != 2 {
			return nil, fmt.Errorf("config: %s: %q is not an origin like https://temporal.example.com[:port]", EnvCORSOrigins, o)
		}
		out = append(out, o)
	}
	return out, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.cors(w, r)
	if r.Method == http.MethodOptions {
		// A preflight carries no credentials; answering it reveals nothing.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	op, pathToken, ok := splitPath(r.URL.Path)
	if !ok || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if !h.authorized(r, pathToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="meetvault codec"`)
		http.Error(w, "codec: missing or wrong token (MEETVAULT_CODEC_AUTH_TOKEN)", http.StatusUnauthorized)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.max)
	// The SDK handler only looks at the path's suffix.
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + op
	h.codec.ServeHTTP(w, r2)
}

// splitPath finds the operation (encode or decode) and, when the path has
// one, the token segment before it.
func splitPath(p string) (op, token string, ok bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	op = segs[len(segs)-1]
	if op != "encode" && op != "decode" {
		return "", "", false
	}
	if len(segs) >= 3 { // codec/TOKEN/decode
		token = segs[len(segs)-2]
	}
	return op, token, true
}

func (h *Handler) authorized(r *http.Request, pathToken string) bool {
	if pathToken != "" && h.matches(pathToken) {
		return true
	}
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if auth == "" {
		return false
	}
	if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
		auth = strings.TrimSpace(t)
	}
	return h.matches(auth)
}

// matches compares hashes in constant time, so neither the token's length
// nor its prefix leaks through timing.
func (h *Handler) matches(candidate string) bool {
	sum := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1
}

func (h *Handler) cors(w http.ResponseWriter, r *http.Request) {
	origin := strings.TrimRight(r.Header.Get("Origin"), "/")
	w.Header().Add("Vary", "Origin")
	if origin == "" || !slices.Contains(h.origins, origin) {
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
	hd.Set("Access-Control-Allow-Credentials", "true")
	hd.Set("Access-Control-Max-Age", "600")
}

// ServerFromEnv builds the codec server the process environment asks for:
// nil (no error) when MEETVAULT_CODEC_AUTH_TOKEN is unset, which leaves the
// server off.
func ServerFromEnv() (*Handler, error) { return ServerFromLookup(os.LookupEnv) }

// ServerFromLookup is ServerFromEnv over another source of variables.
func ServerFromLookup(lookup Lookup) (*Handler, error) {
	token, _ := lookup(EnvAuthToken)
	originSpec, _ := lookup(EnvCORSOrigins)
	if strings.TrimSpace(token) == "" {
		return nil, nil
	}
	c, err := FromLookup(lookup)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("config: %s is set but no codec keys are: set %s or %s, or unset the token", EnvAuthToken, EnvKeys, EnvKeyFile)
	}
	origins, err := ParseOrigins(originSpec)
	if err != nil {
		return nil, err
	}
	return NewHandler(c, ServerOptions{Token: strings.TrimSpace(token), AllowedOrigins: origins})
}
