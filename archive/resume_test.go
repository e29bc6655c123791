package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const resumeSize = 40 * MiB // 8 parts of 5 MiB

// crashAfterThreeParts streams until the source breaks inside part 4 and
// returns the last checkpoint, round-tripped through JSON as Temporal
// heartbeat details would be.
func crashAfterThreeParts(t *testing.T, s *Store, key string, p pattern) Checkpoint {
	t.Helper()
	var cps checkpoints
	src := &failAfter{r: p.reader(0, resumeSize), n: 3*5*MiB + 1234}
	_, err := s.Stream(context.Background(), testObject(key, resumeSize), src, nil, cps.add)
	require.ErrorIs(t, err, errSourceBroke)
	require.NotEmpty(t, cps.all)
	cp := cps.last()
	require.Len(t, cp.Parts, 3, "the parts in flight when the source broke were finished")
	require.Equal(t, int64(15*MiB), cp.Offset)
	require.Equal(t, 1, openUploads(t, s, key), "upload kept for the retry")

	raw, err := json.Marshal(cp)
	require.NoError(t, err)
	var back Checkpoint
	require.NoError(t, json.Unmarshal(raw, &back))
	return back
}

func TestStreamResume(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB, PartsInFlight: 2})
	ctx := context.Background()
	p := newPattern(10)
	const key = "rec/resume.mp4"
	cp := crashAfterThreeParts(t, s, key, p)
	assert.Equal(t, []int{1, 2, 3}, sorted(rec.uploadedParts()))

	rec.reset()
	var cps checkpoints
	res, err := s.Stream(ctx, testObject(key, resumeSize), p.reader(cp.Offset, resumeSize), &cp, cps.add)
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, []int{4, 5, 6, 7, 8}, sorted(rec.uploadedParts()), "parts 1-3 were not sent again")
	assert.Equal(t, 1, rec.count("ListParts"))
	assert.Zero(t, rec.count("CreateMultipartUpload"))

	want := p.sha256(resumeSize)
	assert.Equal(t, want, res.SHA256)
	assert.Equal(t, int64(resumeSize), res.Size)
	require.True(t, cps.last().Completed)
	assert.GreaterOrEqual(t, cps.all[0].Offset, int64(20*MiB))
	assert.Len(t, cps.all[0].Parts, int(cps.all[0].Offset/(5*MiB)))
	assert.Equal(t, cp.UploadID, cps.all[0].UploadID)
	got, n := download(t, s, key)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(resumeSize), n)
	info, _, err := s.Head(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, want, info.Metadata[MetaSHA256])
	assert.Zero(t, openUploads(t, s, key))
}

// TestStreamResumeSkipsUncheckpointedPart: part 4 reached the server but
// the crash came before it was checkpointed; the resumed Stream finds it
// with ListParts, sees the same size and SHA-256, and does not resend it.
func TestStreamResumeSkipsUncheckpointedPart(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB, PartsInFlight: 2})
	ctx := context.Background()
	p := newPattern(11)
	const key = "rec/skip.mp4"
	cp := crashAfterThreeParts(t, s, key, p)

	part4, err := io.ReadAll(p.reader(15*MiB, 20*MiB))
	require.NoError(t, err)
	sum := sha256.Sum256(part4)
	_, err = s.Client().UploadPart(ctx, &s3.UploadPartInput{
		Bucket: aws.String(s.Bucket()), Key: aws.String(key), UploadId: aws.String(cp.UploadID),
		PartNumber: aws.Int32(4), Body: bytes.NewReader(part4),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
	})
	require.NoError(t, err)

	rec.reset()
	res, err := s.Stream(ctx, testObject(key, resumeSize), p.reader(cp.Offset, resumeSize), &cp, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{5, 6, 7, 8}, sorted(rec.uploadedParts()))
	assert.Equal(t, p.sha256(resumeSize), res.SHA256)
	got, _ := download(t, s, key)
	assert.Equal(t, p.sha256(resumeSize), got)
}

func TestStreamResumeAbortedUpload(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB, PartsInFlight: 2})
	ctx := context.Background()
	p := newPattern(12)
	const key = "rec/aborted.mp4"
	cp := crashAfterThreeParts(t, s, key, p)
	require.NoError(t, s.Abort(ctx, cp))
	require.NoError(t, s.Abort(ctx, cp), "aborting twice is fine")
	assert.Zero(t, openUploads(t, s, key))

	// Stream alone cannot restart: its source starts at cp.Offset.
	rec.reset()
	_, err := s.Stream(ctx, testObject(key, resumeSize), p.reader(cp.Offset, resumeSize), &cp, nil)
	require.ErrorIs(t, err, ErrCheckpointStale)
	assert.Zero(t, rec.count("UploadPart"))

	// StreamFrom reopens the source at 0 and starts a new upload.
	rec.reset()
	var opened []int64
	open := func(_ context.Context, off int64) (io.ReadCloser, error) {
		opened = append(opened, off)
		return io.NopCloser(p.reader(off, resumeSize)), nil
	}
	var cps checkpoints
	res, err := s.StreamFrom(ctx, testObject(key, resumeSize), open, &cp, cps.add)
	require.NoError(t, err)
	assert.Equal(t, []int64{15 * MiB, 0}, opened)
	assert.False(t, res.Resumed)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8}, sorted(rec.uploadedParts()))
	assert.NotEqual(t, cp.UploadID, cps.all[0].UploadID)
	want := p.sha256(resumeSize)
	assert.Equal(t, want, res.SHA256)
	got, n := download(t, s, key)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(resumeSize), n)
}

// TestStreamResumeAfterComplete: the worker died after
// CompleteMultipartUpload but before the metadata copy. The retry reads
// no source and only runs the copy.
func TestStreamResumeAfterComplete(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB})
	p := newPattern(13)
	const key = "rec/completed.mp4"
	const size = 12 * MiB

	ctx, cancel := context.WithCancel(context.Background())
	var cps checkpoints
	_, err := s.Stream(ctx, testObject(key, size), p.reader(0, size), nil, func(cp Checkpoint) {
		cps.add(cp)
		if cp.Completed {
			cancel() // "crash" right after completion
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	cp := cps.last()
	require.True(t, cp.Completed)
	info, ok, err := s.Head(context.Background(), key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Empty(t, info.Metadata[MetaSHA256], "metadata step has not run yet")

	rec.reset()
	res, err := s.StreamFrom(context.Background(), testObject(key, size),
		func(context.Context, int64) (io.ReadCloser, error) {
			t.Fatal("a completed checkpoint must not reopen the source")
			return nil, nil
		}, &cp, nil)
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Zero(t, rec.count("UploadPart"))
	assert.Equal(t, 1, rec.count("CopyObject"))
	assert.Equal(t, p.sha256(size), res.SHA256)

	// Running the same checkpoint again finds the work done.
	rec.reset()
	res2, err := s.Stream(context.Background(), testObject(key, size), nil, &cp, nil)
	require.NoError(t, err)
	assert.Zero(t, rec.count("CopyObject"))
	assert.Equal(t, res.SHA256, res2.SHA256)
}

func TestStreamResumeRejectsTamperedCheckpoint(t *testing.T) {
	s, _ := newTestStore(t, Config{PartSize: 5 * MiB})
	ctx := context.Background()
	p := newPattern(14)
	const key = "rec/tampered.mp4"
	cp := crashAfterThreeParts(t, s, key, p)

	bad := cp
	bad.Parts = cloneParts(cp.Parts)
	bad.Parts[1].ETag = `"0000"`
	_, err := s.Stream(ctx, testObject(key, resumeSize), p.reader(cp.Offset, resumeSize), &bad, nil)
	require.ErrorIs(t, err, ErrCheckpointStale)
	assert.Zero(t, openUploads(t, s, key), "a mismatching upload is aborted")

	other := cp
	other.Key = "rec/other.mp4"
	_, err = s.Stream(ctx, testObject(key, resumeSize), p.reader(cp.Offset, resumeSize), &other, nil)
	require.ErrorIs(t, err, ErrCheckpointStale)
}

func sorted(v []int) []int {
	slices.Sort(v)
	return v
}
