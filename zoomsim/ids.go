package zoomsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// deriver turns a scenario seed plus a label into deterministic values, so that
// identifiers the scenario leaves out are the same on every load.
type deriver struct{ seed int64 }

func (d deriver) sum(label string) [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(d.seed))
	h := sha256.New()
	h.Write([]byte("zoomsim/derive/v1\x00"))
	h.Write(b[:])
	h.Write([]byte(label))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// rng returns a PCG generator seeded from (seed, label).
func (d deriver) rng(label string) *rand.Rand {
	s := d.sum(label)
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:16])))
}

const (
	zoomIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	alnumAlphabet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// zoomID looks like Zoom's user and account ids, e.g. "KDcuGIm1QgePTO8WbOqwIQ".
func zoomID(r *rand.Rand) string { return randString(r, zoomIDAlphabet, 22) }

// clientID and clientSecret look like Marketplace app credentials.
func clientID(r *rand.Rand) string     { return randString(r, alnumAlphabet, 22) }
func clientSecret(r *rand.Rand) string { return randString(r, alnumAlphabet, 32) }

// meetingUUID is base64 of 16 bytes, like "ODfDKShNRqKkXbGD09Sk4A==". With odd set it
// is forced to begin with "/" or to contain "//", the shapes Zoom requires clients
// to double-encode.
func meetingUUID(r *rand.Rand, odd bool) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	s := []byte(base64.StdEncoding.EncodeToString(b[:]))
	if odd {
		if r.IntN(2) == 0 {
			s[0] = '/'
		} else {
			p := 1 + r.IntN(len(s)-5)
			s[p], s[p+1] = '/', '/'
		}
	}
	return string(s)
}

// fileUUID formats 16 random bytes as a lowercase version-4 UUID, the shape of
// Zoom's recording file ids.
func fileUUID(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// opaqueToken looks like the path part of Zoom's download and play URLs.
func opaqueToken(d deriver, label string) string {
	a := d.sum("opaque/a/" + label)
	b := d.sum("opaque/b/" + label)
	return base64.RawURLEncoding.EncodeToString(append(a[:], b[:12]...)) + "." + base64.RawURLEncoding.EncodeToString(b[12:24])
}
