package netguard

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces secret values.
const Redacted = "REDACTED"

// RedactURL returns raw with every query value (signatures, credentials,
// tokens, expiry: a signed URL's query is its secret) and any user
// information replaced by REDACTED. Parameter names stay, so an error still
// tells which kind of link failed.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Redacted}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment = ""
	return u.String()
}

var (
	// urlInText finds absolute URLs in free text.
	urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>\\]+`)
	// secretParam finds name=value pairs whose name says secret, outside
	// URLs too (form bodies, quoted queries).
	secretParam = regexp.MustCompile(`(?i)\b(access_token|download_token|download_access_token|refresh_token|id_token|token|zak|` +
		`x-amz-signature|x-amz-credential|x-amz-security-token|signature|sig|policy|key-pair-id|client_secret)=([^&\s"'<>]+)`)
	// bearer finds Authorization header values.
	bearer    = regexp.MustCompile(`(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}`)
	authValue = regexp.MustCompile(`(?i)\b(authorization:\s*(?:token|basic|bearer))\s+\S+`)
)

// ScrubText removes secrets from free text: URLs lose their query values
// (RedactURL), secret-named parameters and bearer tokens their values.
func ScrubText(s string) string {
	if !strings.ContainsAny(s, "=:") && !strings.Contains(strings.ToLower(s), "bearer") {
		return s
	}
	s = urlInText.ReplaceAllStringFunc(s, func(m string) string {
		trail := ""
		for strings.HasSuffix(m, ".") || strings.HasSuffix(m, ",") || strings.HasSuffix(m, ")") || strings.HasSuffix(m, ";") {
			trail = m[len(m)-1:] + trail
			m = m[:len(m)-1]
		}
		return RedactURL(m) + trail
	})
	s = secretParam.ReplaceAllString(s, "${1}="+Redacted)
	s = authValue.ReplaceAllString(s, "${1} "+Redacted)
	return bearer.ReplaceAllString(s, "${1} "+Redacted)
}

// ScrubError returns err with ScrubText applied to its message and to the
// message of every error it wraps, so an error chain serialised level by
// level (Temporal's failure converter stores each cause's Error()) carries
// no secret. errors.Is and errors.As still see the original errors.
func ScrubError(err error) error {
	if err == nil {
		return nil
	}
	if s, ok := err.(*scrubbed); ok {
		return s
	}
	return &scrubbed{orig: err, msg: ScrubText(err.Error())}
}

type scrubbed struct {
	orig error
	msg  string
}

func (s *scrubbed) Error() string { return s.msg }

// Unwrap returns the scrubbed form of the wrapped error, so walking the
// chain never reaches an unscrubbed message.
func (s *scrubbed) Unwrap() error {
	inner := errors.Unwrap(s.orig)
	if inner == nil {
		if m, ok := s.orig.(interface{ Unwrap() []error }); ok {
			if errs := m.Unwrap(); len(errs) > 0 {
				inner = errors.Join(errs...)
			}
		}
	}
	if inner == nil {
		return nil
	}
	return &scrubbed{orig: inner, msg: ScrubText(inner.Error())}
}

// Is and As look at the original chain.
func (s *scrubbed) Is(target error) bool { return errors.Is(s.orig, target) }
func (s *scrubbed) As(target any) bool   { return errors.As(s.orig, target) }

// URLError strips the URL from a *url.Error (http.Client errors print the
// whole request URL, signature included) and redacts it; other errors come
// back scrubbed.
func URLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ScrubError(&url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err})
	}
	return ScrubError(err)
}
