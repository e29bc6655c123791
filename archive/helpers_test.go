package archive

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// recorder is an http.RoundTripper that names and counts the S3 calls
// going through it.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	ops   map[string]int
	parts []int // part numbers of UploadPart calls, in order
}

func newRecorder() *recorder { return &recorder{next: http.DefaultTransport, ops: map[string]int{}} }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	op := classify(req)
	r.mu.Lock()
	r.ops[op]++
	if op == "UploadPart" {
		n, _ := strconv.Atoi(req.URL.Query().Get("partNumber"))
		r.parts = append(r.parts, n)
	}
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	return (&http.Client{Transport: r}).Do(req)
}

func (r *recorder) count(op string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ops[op]
}

func (r *recorder) uploadedParts() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.parts...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops, r.parts = map[string]int{}, nil
}

// classify names the S3 operation of a request (path-style addressing).
func classify(req *http.Request) string {
	q := req.URL.Query()
	copySrc := req.Header.Get("X-Amz-Copy-Source") != ""
	switch req.Method {
	case http.MethodPut:
		switch {
		case q.Has("partNumber") && copySrc:
			return "UploadPartCopy"
		case q.Has("partNumber"):
			return "UploadPart"
		case copySrc:
			return "CopyObject"
		case strings.Count(strings.Trim(req.URL.Path, "/"), "/") == 0:
			return "CreateBucket"
		}
		return "PutObject"
	case http.MethodPost:
		if q.Has("uploads") {
			return "CreateMultipartUpload"
		}
		if q.Has("uploadId") {
			return "CompleteMultipartUpload"
		}
	case http.MethodDelete:
		if q.Has("uploadId") {
			return "AbortMultipartUpload"
		}
		return "DeleteObject"
	case http.MethodGet:
		if q.Has("uploadId") {
			return "ListParts"
		}
		return "Get"
	case http.MethodHead:
		return "Head"
	}
	return req.Method
}

var bucketSeq atomic.Int64

// newTestStore returns a Store on a fresh bucket of the test server and
// the recorder that sees its requests.
func newTestStore(t testing.TB, cfg Config) (*Store, *recorder) {
	t.Helper()
	needS3(t)
	return newTestStoreAt(t, s3Endpoint, cfg)
}

func newTestStoreAt(t testing.TB, endpoint string, cfg Config) (*Store, *recorder) {
	t.Helper()
	rec := newRecorder()
	name := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(t.Name(), "-"))
	cfg.Bucket = fmt.Sprintf("t%d-%.40s", bucketSeq.Add(1), strings.Trim(name, "-"))
	cfg.Bucket = strings.TrimRight(cfg.Bucket, "-")
	cfg.Endpoint, cfg.AccessKey, cfg.SecretKey, cfg.PathStyle = endpoint, testAccessKey, testSecretKey, true
	cfg.HTTPClient = rec
	if testing.Verbose() {
		cfg.Logger = slog.Default()
	} else {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = MinPartSize
	}
	s, err := New(context.Background(), cfg)
	require.NoError(t, err)
	require.NoError(t, s.EnsureBucket(context.Background()))
	rec.reset()
	return s, rec
}

func testObject(key string, size int64) Object {
	return Object{
		Key: key, ContentType: "video/mp4", ExpectedSize: size,
		Metadata: map[string]string{"Zoom-File-ID": "file-" + key, "tenant": "acme"},
	}
}

// pattern is deterministic pseudo-random content that can be read from
// any offset: a 1 MiB random block repeated, each copy stamped with its
// index so no two MiB of a file are equal.
type pattern struct{ block []byte }

func newPattern(seed uint64) pattern {
	b := make([]byte, MiB)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i < len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return pattern{block: b}
}

// reader yields bytes [off, size) of the content.
func (p pattern) reader(off, size int64) io.Reader { return &patternReader{p: p, off: off, end: size} }

// sha256 is the hex SHA-256 of the first size bytes.
func (p pattern) sha256(size int64) string {
	h := sha256.New()
	_, _ = io.Copy(h, p.reader(0, size))
	return hex.EncodeToString(h.Sum(nil))
}

type patternReader struct {
	p        pattern
	off, end int64
}

func (r *patternReader) Read(b []byte) (int, error) {
	if r.off >= r.end {
		return 0, io.EOF
	}
	bl := int64(len(r.p.block))
	in := r.off % bl
	n := copy(b[:min(int64(len(b)), r.end-r.off)], r.p.block[in:])
	// Stamp the block index over the block's first 8 bytes.
	if in < 8 {
		var stamp [8]byte
		binary.LittleEndian.PutUint64(stamp[:], uint64(r.off/bl)^0xa5a5a5a5a5a5a5a5)
		for i := in; i < 8 && int(i-in) < n; i++ {
			b[i-in] = stamp[i] ^ r.p.block[i]
		}
	}
	r.off += int64(n)
	return n, nil
}

var errSourceBroke = errors.New("source connection reset")

// failAfter fails with errSourceBroke once n bytes were read.
type failAfter struct {
	r io.Reader
	n int64
}

func (f *failAfter) Read(b []byte) (int, error) {
	if f.n <= 0 {
		return 0, errSourceBroke
	}
	if int64(len(b)) > f.n {
		b = b[:f.n]
	}
	n, err := f.r.Read(b)
	f.n -= int64(n)
	return n, err
}

// download returns the hex SHA-256 and length of a stored object.
func download(t testing.TB, s *Store, key string) (string, int64) {
	t.Helper()
	out, err := s.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	require.NoError(t, err)
	return hex.EncodeToString(h.Sum(nil)), n
}

// openUploads lists the multipart uploads in progress for key.
func openUploads(t testing.TB, s *Store, key string) int {
	t.Helper()
	out, err := s.Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{
		Bucket: aws.String(s.Bucket()), Prefix: aws.String(key),
	})
	require.NoError(t, err)
	return len(out.Uploads)
}

// checkpoints collects progress callbacks.
type checkpoints struct {
	mu  sync.Mutex
	all []Checkpoint
}

func (c *checkpoints) add(cp Checkpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all = append(c.all, cp)
}

func (c *checkpoints) last() Checkpoint {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.all[len(c.all)-1]
}
