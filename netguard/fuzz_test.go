package netguard

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// FuzzAllowlist: any spec either fails to parse or yields a list whose
// String() parses back to the same list; no URL with user info, or with a
// scheme other than http(s), is ever allowed.
func FuzzAllowlist(f *testing.F) {
	for _, s := range []string{DefaultZoomHosts, "http://127.0.0.1:9090,http://localhost:*", "[::1]:7000", "*.example.com https://a.b:8443", "", "http://", "*.", "a..b"} {
		f.Add(s, "https://us06web.zoom.us/rec/download/x")
	}
	f.Fuzz(func(t *testing.T, spec, raw string) {
		a, err := Parse("F", spec)
		if err != nil {
			return
		}
		b, err := Parse("F", a.String())
		if err != nil || b.String() != a.String() {
			t.Fatalf("%q: String() %q does not parse back (%v)", spec, a.String(), err)
		}
		u, err := url.Parse(raw)
		if err != nil || !a.Allows(u) {
			return
		}
		if u.User != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
			t.Fatalf("%q allows %q", spec, raw)
		}
	})
}

// FuzzScrubText: a secret placed after access_token= or X-Amz-Signature=,
// in a URL or not, never survives.
func FuzzScrubText(f *testing.F) {
	f.Add("Get \"https://h/x?X-Amz-Signature=", "deadbeefcafe", "\": EOF")
	f.Add("form access_token=", "tok123456", "&x=1")
	f.Fuzz(func(t *testing.T, before, secret, after string) {
		if len(secret) < 6 || strings.ContainsAny(secret, "&\\s\"'<>#%+ \t\n\r") || strings.IndexFunc(secret, unicode.IsSpace) >= 0 ||
			strings.Contains(before+after, secret) {
			return
		}
		// The parameter starts a word (after a space, "?" or "&"): inside
		// a word ("xaccess_token=") it is not a parameter.
		sep := " "
		if strings.HasSuffix(before, "?") || strings.HasSuffix(before, "&") {
			sep = ""
		}
		for _, key := range []string{"access_token=", "X-Amz-Signature="} {
			in := before + sep + key + secret + after
			if out := ScrubText(in); strings.Contains(out, secret) {
				t.Fatalf("ScrubText(%q) = %q keeps the secret", in, out)
			}
		}
	})
}
