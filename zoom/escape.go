package zoom

import "strings"

// EscapeMeetingUUID returns uuid ready to be used as one path segment.
// Zoom requires UUIDs that begin with "/" or contain "//" to be encoded
// twice; all others are encoded once. Encoding follows JavaScript's
// encodeURIComponent (everything but A–Z a–z 0–9 - _ . ! ~ * ' ( ) is
// percent-encoded), which is what Zoom's documentation uses:
//
//	"/abc==" → "%252Fabc%253D%253D"
//	"abc=="  → "abc%3D%3D"
//
// Numeric meeting IDs pass through unchanged.
func EscapeMeetingUUID(uuid string) string {
	once := escapeComponent(uuid)
	if strings.HasPrefix(uuid, "/") || strings.Contains(uuid, "//") {
		return escapeComponent(once)
	}
	return once
}

func escapeComponent(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreservedComponent(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func unreservedComponent(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}
