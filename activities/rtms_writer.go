package activities

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"path"
	"strings"

	"github.com/meetvault/meetvault/archive"
)

// MetaMediaSHA256 is the user metadata key of the SHA-256 of an object's
// decoded media payload (PCM bytes, transcript text, frame bytes), so what
// was archived can be compared with what Zoom sent.
const MetaMediaSHA256 = "media-sha256"

// rtmsSegment is one open object of a capture: bytes collected until a
// checkpoint writes them as one object. Segments are small by design (a
// capture holds at most SegmentBytes per kind in memory) and each is a
// complete object: a playable WAV, JSON lines, a run of frames with its index.
type rtmsSegment struct {
	kind, ext, contentType string
	buf                    bytes.Buffer
	media                  hash.Hash // over the decoded payload in buf
	startMS, endMS         int64
	items                  int
	index                  bytes.Buffer // video: one JSON line per frame
	// header bytes are reserved at the start of buf (the WAV header, written
	// in place when the segment is written: no copy of the PCM).
	header   int
	capacity int
}

// withHeader reserves n header bytes and sizes the buffer for capacity
// payload bytes once, so it never grows by doubling past the segment size.
func (s *rtmsSegment) withHeader(n, capacity int) *rtmsSegment {
	s.header, s.capacity = n, capacity
	s.reset()
	return s
}

func newRTMSSegment(kind, ext, contentType string) *rtmsSegment {
	return &rtmsSegment{kind: kind, ext: ext, contentType: contentType, media: sha256.New()}
}

func (s *rtmsSegment) empty() bool { return s.buf.Len() <= s.header }

// size is the payload held.
func (s *rtmsSegment) size() int { return s.buf.Len() - s.header }

func (s *rtmsSegment) span(ms int64) {
	if s.startMS == 0 || ms < s.startMS {
		s.startMS = ms
	}
	s.endMS = max(s.endMS, ms)
}

func (s *rtmsSegment) reset() {
	s.buf.Reset()
	if s.capacity > 0 && s.buf.Cap() < s.header+s.capacity+1280 {
		s.buf.Grow(s.header + s.capacity + 1280) // a packet may overshoot the segment size
	}
	s.buf.Write(make([]byte, s.header))
	s.index.Reset()
	s.media.Reset()
	s.startMS, s.endMS, s.items = 0, 0, 0
}

// rtmsKeyPrefix is {tenant}/rtms/{meeting as base64url-ish}/{stream}/: no
// input can leave the tenant's rtms prefix (ids are flattened like
// ObjectKey's UUIDs, and a stream id is reduced to safe characters).
func rtmsKeyPrefix(s RTMSStream) string {
	flat := func(v string) string {
		v = strings.NewReplacer("/", "_", "+", "-").Replace(v)
		if strings.Trim(v, "._-=") == "" {
			return base64.RawURLEncoding.EncodeToString([]byte(v))
		}
		return v
	}
	return path.Join(s.TenantID, SourceRTMS, flat(s.ConversationUUID()), flat(s.StreamID)) + "/"
}

// wavHeader is the 44-byte RIFF header of 16 kHz mono L16 PCM of n bytes.
func wavHeader(n int) []byte {
	const rate, channels, bits = 16000, 1, 16
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+n))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], channels)
	binary.LittleEndian.PutUint32(h[24:], rate)
	binary.LittleEndian.PutUint32(h[28:], rate*channels*bits/8)
	binary.LittleEndian.PutUint16(h[32:], channels*bits/8)
	binary.LittleEndian.PutUint16(h[34:], bits)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(n))
	return h
}

// putObject writes one small object with the archive's metadata; Stream
// adds sha256 and the S3 checksum and verifies them.
func putObject(ctx context.Context, ar *archive.Store, st RTMSStream, key, contentType, fileID, mediaSHA string, body []byte) (archive.Result, error) {
	return ar.Stream(ctx, archive.Object{
		Key: key, ContentType: contentType, ExpectedSize: int64(len(body)),
		Metadata: map[string]string{
			archive.MetaZoomFileID: fileID, archive.MetaTenant: st.TenantID, MetaMediaSHA256: mediaSHA,
		},
	}, bytes.NewReader(body), nil, nil)
}

// rtmsFileID is the file id of a capture's object (rows and zoom-file-id
// metadata; RTMS has no Zoom file ids).
func rtmsFileID(stream, kind string, seq int) string {
	if seq == 0 {
		return fmt.Sprintf("rtms-%s-%s", stream, kind)
	}
	return fmt.Sprintf("rtms-%s-%s-%05d", stream, kind, seq)
}

func hashState(h hash.Hash) []byte {
	b, _ := h.(encoding.BinaryMarshaler).MarshalBinary()
	return b
}

func restoreSHA256(state []byte) (hash.Hash, error) {
	h := sha256.New()
	if len(state) == 0 {
		return h, nil
	}
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return nil, fmt.Errorf("rtms: audio hash state: %w", err)
	}
	return h, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
