package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamSinglePut(t *testing.T) {
	s, rec := newTestStore(t, Config{})
	ctx := context.Background()
	p := newPattern(1)
	cases := []struct {
		name     string
		size     int64
		expected int64
	}{
		{"tiny known size", 1000, 1000},
		{"small unknown size", 300 << 10, -1},
		{"empty", 0, 0},
		{"exactly one part, unknown size", MinPartSize, -1},
		{"exactly one part, known size", MinPartSize, MinPartSize},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec.reset()
			key := "rec/" + c.name
			res, err := s.Stream(ctx, testObject(key, c.expected), p.reader(0, c.size), nil, nil)
			require.NoError(t, err)

			want := p.sha256(c.size)
			raw, _ := hex.DecodeString(want)
			assert.Equal(t, want, res.SHA256)
			assert.Equal(t, c.size, res.Size)
			assert.Equal(t, base64.StdEncoding.EncodeToString(raw), res.ChecksumSHA256, "full-object S3 checksum")
			assert.Equal(t, 1, rec.count("PutObject"))
			assert.Zero(t, rec.count("CreateMultipartUpload"))
			assert.Zero(t, rec.count("CopyObject"))

			info, ok, err := s.Head(ctx, key)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, map[string]string{MetaZoomFileID: "file-" + key, MetaTenant: "acme", MetaSHA256: want}, info.Metadata)
			assert.Equal(t, res.ChecksumSHA256, info.ChecksumSHA256)
			got, n := download(t, s, key)
			assert.Equal(t, want, got)
			assert.Equal(t, c.size, n)
		})
	}
}

func TestStreamMultipart(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB, PartsInFlight: 2})
	ctx := context.Background()
	const size = 40 * MiB
	p := newPattern(2)
	var cps checkpoints
	res, err := s.Stream(ctx, testObject("rec/multi.mp4", -1), p.reader(0, size), nil, cps.add)
	require.NoError(t, err)

	want := p.sha256(size)
	assert.Equal(t, want, res.SHA256)
	assert.Equal(t, int64(size), res.Size)
	assert.False(t, res.Resumed)
	assert.Equal(t, 8, rec.count("UploadPart"))
	assert.Equal(t, 1, rec.count("CopyObject"), "one in-place copy adds the sha256 metadata")
	assert.Zero(t, rec.count("PutObject"))

	// Progress: a checkpoint whenever the finished prefix grows (parts can
	// finish out of order, so up to one per part), then the completed one.
	require.GreaterOrEqual(t, len(cps.all), 3)
	require.LessOrEqual(t, len(cps.all), 9)
	prev := int64(0)
	for _, cp := range cps.all[:len(cps.all)-1] {
		assert.Greater(t, cp.Offset, prev)
		prev = cp.Offset
		assert.Len(t, cp.Parts, int(cp.Offset/(5*MiB)))
		assert.Equal(t, cp.Offset%(5*MiB), int64(0))
		assert.False(t, cp.Completed)
		h, err := restoreHash(cp.HashState)
		require.NoError(t, err)
		assert.Equal(t, p.sha256(cp.Offset), hex.EncodeToString(h.Sum(nil)), "hash state at offset %d", cp.Offset)
	}
	done := cps.last()
	assert.True(t, done.Completed)
	assert.Equal(t, want, done.SHA256)

	info, ok, err := s.Head(ctx, "rec/multi.mp4")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, want, info.Metadata[MetaSHA256])
	assert.Equal(t, "file-rec/multi.mp4", info.Metadata[MetaZoomFileID])
	assert.Equal(t, "acme", info.Metadata[MetaTenant])
	head, err := s.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String("rec/multi.mp4")})
	require.NoError(t, err)
	assert.Equal(t, "video/mp4", aws.ToString(head.ContentType), "content type survives the metadata copy")
	composite, ok := compositeChecksum(done.Parts)
	require.True(t, ok)
	assert.Equal(t, composite, info.ChecksumSHA256, "composite SHA-256 of the parts, as versitygw keeps it")
	assert.Equal(t, res.ChecksumSHA256, info.ChecksumSHA256)

	got, n := download(t, s, "rec/multi.mp4")
	assert.Equal(t, want, got)
	assert.Equal(t, int64(size), n)
	assert.Zero(t, openUploads(t, s, "rec/"))
}

func TestStreamSizeMismatch(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB})
	ctx := context.Background()
	p := newPattern(3)
	cases := []struct {
		name           string
		size, expected int64
		atLeast        bool
		uploadedParts  int
	}{
		{"multipart source shorter", 30 * MiB, 40 * MiB, false, 6},
		{"multipart source longer stops early", 40 * MiB, 20 * MiB, true, 4},
		{"small source longer", 2000, 1000, true, 0},
		{"small source shorter", 999, 1000, false, 0},
		{"one full part, one byte longer", MinPartSize, MinPartSize - 1, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec.reset()
			key := "mismatch/" + c.name
			_, err := s.Stream(ctx, testObject(key, c.expected), p.reader(0, c.size), nil, nil)
			var sm *SizeMismatchError
			require.ErrorAs(t, err, &sm)
			assert.Equal(t, c.expected, sm.Expected)
			assert.Equal(t, c.atLeast, sm.AtLeast)
			if !c.atLeast {
				assert.Equal(t, c.size, sm.Got)
			}
			assert.Equal(t, c.uploadedParts, rec.count("UploadPart"))
			if c.uploadedParts > 0 {
				assert.Equal(t, 1, rec.count("AbortMultipartUpload"), "upload aborted")
			}
			assert.Zero(t, rec.count("PutObject"))
			assert.Zero(t, openUploads(t, s, key))
			_, exists, err := s.Head(ctx, key)
			require.NoError(t, err)
			assert.False(t, exists)
		})
	}
}

func TestStreamRejectsMissingMetadata(t *testing.T) {
	s, rec := newTestStore(t, Config{})
	obj := testObject("rec/x", 3)
	delete(obj.Metadata, "tenant")
	_, err := s.Stream(context.Background(), obj, bytes.NewReader([]byte("abc")), nil, nil)
	require.ErrorContains(t, err, `Metadata["tenant"] is required`)
	assert.Zero(t, rec.count("PutObject"))
}

func TestHeadRoundtrip(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := context.Background()
	info, ok, err := s.Head(ctx, "nope/missing")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Nil(t, info)

	data := []byte("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n")
	obj := testObject("rec/transcript.vtt", int64(len(data)))
	obj.ContentType = "text/vtt"
	res, err := s.Stream(ctx, obj, bytes.NewReader(data), nil, nil)
	require.NoError(t, err)
	info, ok, err = s.Head(ctx, "rec/transcript.vtt")
	require.NoError(t, err)
	require.True(t, ok)
	sum := sha256.Sum256(data)
	assert.Equal(t, &ObjectInfo{
		Key:            "rec/transcript.vtt",
		Size:           int64(len(data)),
		Metadata:       map[string]string{MetaZoomFileID: "file-rec/transcript.vtt", MetaTenant: "acme", MetaSHA256: hex.EncodeToString(sum[:])},
		ChecksumSHA256: base64.StdEncoding.EncodeToString(sum[:]),
		ETag:           res.ETag,
		VersionID:      res.VersionID,
	}, info)
	head, err := s.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String("rec/transcript.vtt")})
	require.NoError(t, err)
	assert.Equal(t, "text/vtt", aws.ToString(head.ContentType))
}

func TestEnsureBucketIdempotent(t *testing.T) {
	s, rec := newTestStore(t, Config{})
	require.NoError(t, s.EnsureBucket(context.Background()))
	assert.Zero(t, rec.count("CreateBucket"), "existing bucket is not created again")
}

func TestStreamVersionedBucket(t *testing.T) {
	s, _ := newTestStore(t, Config{PartSize: 5 * MiB})
	ctx := context.Background()
	_, err := s.Client().PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(s.Bucket()),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	require.NoError(t, err)
	const size = 12 * MiB
	p := newPattern(5)
	res, err := s.Stream(ctx, testObject("rec/v.mp4", size), p.reader(0, size), nil, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, res.VersionID)
	assert.Equal(t, p.sha256(size), res.SHA256)
	vs, err := s.Client().ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(s.Bucket()), Prefix: aws.String("rec/v.mp4")})
	require.NoError(t, err)
	require.Len(t, vs.Versions, 1, "no intermediate version left behind")
	assert.Equal(t, res.VersionID, aws.ToString(vs.Versions[0].VersionId))
}

// TestStreamMemoryLimitQueues runs more streams than the buffer budget
// allows at once; they queue instead of deadlocking or overspending.
func TestStreamMemoryLimitQueues(t *testing.T) {
	s, _ := newTestStore(t, Config{PartSize: 5 * MiB, PartsInFlight: 2, MemoryLimit: 15 * MiB})
	ctx := context.Background()
	p := newPattern(6)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			key := "rec/q" + string(rune('a'+i))
			res, err := s.Stream(ctx, testObject(key, -1), p.reader(0, 12*MiB), nil, nil)
			if err == nil && res.SHA256 != p.sha256(12*MiB) {
				err = errors.New("wrong sha256")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, int64(len(s.bufs.free))*s.partSize, int64(15*MiB), "never more buffers than the limit")
}

func TestNewValidatesConfig(t *testing.T) {
	ctx := context.Background()
	_, err := New(ctx, Config{})
	require.ErrorContains(t, err, "Bucket is required")
	_, err = New(ctx, Config{Bucket: "b", PartSize: 1 << 20})
	require.ErrorContains(t, err, "PartSize")
	_, err = New(ctx, Config{Bucket: "b", PartSize: 16 * MiB, MemoryLimit: 32 * MiB})
	require.ErrorContains(t, err, "MemoryLimit")
	s, err := New(ctx, Config{Bucket: "b", AccessKey: "a", SecretKey: "b", Endpoint: "http://127.0.0.1:1"})
	require.NoError(t, err)
	assert.Equal(t, int64(16*MiB), s.partSize)
	assert.Equal(t, 2, s.inFlight)
	assert.Equal(t, int64(64*MiB), s.bufs.limit)
}
