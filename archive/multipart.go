package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// multipart runs one multipart upload: the caller's goroutine reads parts
// (feed), PartsInFlight workers hash and upload them, and a collector turns
// finished parts into checkpoints in part order.
type multipart struct {
	s        *Store
	obj      Object
	uploadID string
	progress func(Checkpoint)
	resumed  bool
	// existing are parts the server already holds past the checkpoint
	// (uploaded before a crash but not yet checkpointed); a part with the
	// same size and SHA-256 is not sent again.
	existing map[int32]types.Part

	// The finished prefix, owned by the collector goroutine while running.
	parts   []Part
	offset  int64
	state   []byte
	pending map[int32]partDone
}

type partJob struct {
	number int32
	buf    []byte // a whole buffer of the set; data is buf[:n]
	n      int
	end    int64  // source offset after this part
	state  []byte // whole-object hash state at end
}

type partDone struct {
	part  Part
	end   int64
	state []byte
}

// createUpload starts a multipart upload with SHA-256 part checksums.
func (s *Store) createUpload(ctx context.Context, obj Object) (string, error) {
	in := &s3.CreateMultipartUploadInput{
		Bucket:            aws.String(s.bucket),
		Key:               aws.String(obj.Key),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		Metadata:          obj.Metadata, // without sha256: added by finalize
	}
	if obj.ContentType != "" {
		in.ContentType = aws.String(obj.ContentType)
	}
	out, err := s.client.CreateMultipartUpload(ctx, in)
	if err != nil {
		return "", fmt.Errorf("archive: %s: create multipart upload: %w", obj.Key, err)
	}
	return aws.ToString(out.UploadId), nil
}

// run uploads first (if any) and the rest of ps, completes the upload and
// adds the sha256 metadata.
func (m *multipart) run(ctx context.Context, ps *partSource, set *bufferSet, first []byte) (Result, error) {
	workCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.pending = map[int32]partDone{}

	jobs := make(chan partJob)
	results := make(chan partDone, m.s.inFlight)
	upErrs := make(chan error, m.s.inFlight)
	var wg sync.WaitGroup
	for range m.s.inFlight {
		wg.Go(func() {
			for j := range jobs {
				p, err := m.uploadPart(workCtx, j)
				set.put(j.buf)
				if err != nil {
					upErrs <- err
					cancel()
					return
				}
				results <- partDone{part: p, end: j.end, state: j.state}
			}
		})
	}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for d := range results {
			m.collect(d)
		}
	}()

	feedErr := m.feed(workCtx, ps, set, first, jobs)
	close(jobs)
	wg.Wait()
	close(results)
	<-collected

	var sizeErr *SizeMismatchError
	if errors.As(feedErr, &sizeErr) || errors.Is(feedErr, ErrTooManyParts) {
		m.s.abortQuiet(ctx, m.obj.Key, m.uploadID, feedErr)
		return Result{}, feedErr
	}
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("archive: %s: %w", m.obj.Key, context.Cause(ctx))
	}
	select {
	case err := <-upErrs:
		return Result{}, err
	default:
	}
	if feedErr != nil {
		// Source failed or ctx ended: keep the upload, the checkpoint resumes it.
		return Result{}, feedErr
	}
	if len(m.pending) != 0 || m.offset != ps.offset {
		return Result{}, fmt.Errorf("archive: %s: internal error: parts cover %d of %d bytes", m.obj.Key, m.offset, ps.offset)
	}
	return m.complete(ctx, ps)
}

// feed reads parts from ps and hands them to the workers.
func (m *multipart) feed(ctx context.Context, ps *partSource, set *bufferSet, first []byte, jobs chan<- partJob) error {
	next := int32(len(m.parts)) + 1
	send := func(buf []byte, n int) error {
		if next > MaxParts {
			set.put(buf)
			return fmt.Errorf("%w (%s: more than %d bytes)", ErrTooManyParts, m.obj.Key, ps.offset-int64(n))
		}
		state, err := ps.state()
		if err != nil {
			set.put(buf)
			return err
		}
		select {
		case jobs <- partJob{number: next, buf: buf, n: n, end: ps.offset, state: state}:
			next++
			return nil
		case <-ctx.Done():
			set.put(buf)
			return ctx.Err()
		}
	}
	if first != nil {
		if err := send(first, len(first)); err != nil {
			return err
		}
	}
	for {
		buf, err := set.get(ctx)
		if err != nil {
			return err
		}
		n, eof, err := ps.fill(buf)
		if err != nil {
			set.put(buf)
			return err
		}
		if n == 0 {
			set.put(buf)
		} else if err := send(buf, n); err != nil {
			return err
		}
		if eof {
			return nil
		}
	}
}

// uploadPart sends one part with its SHA-256 checksum, unless the server
// already holds exactly this part.
func (m *multipart) uploadPart(ctx context.Context, j partJob) (Part, error) {
	data := j.buf[:j.n]
	sum := sha256.Sum256(data)
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	if ex, ok := m.existing[j.number]; ok && aws.ToInt64(ex.Size) == int64(j.n) && aws.ToString(ex.ChecksumSHA256) == b64 {
		return Part{Number: j.number, ETag: aws.ToString(ex.ETag), ChecksumSHA256: b64, Size: int64(j.n)}, nil
	}
	out, err := m.s.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket:         aws.String(m.s.bucket),
		Key:            aws.String(m.obj.Key),
		UploadId:       aws.String(m.uploadID),
		PartNumber:     aws.Int32(j.number),
		Body:           bytes.NewReader(data),
		ContentLength:  aws.Int64(int64(j.n)),
		ChecksumSHA256: aws.String(b64),
	}, unsignedPayload)
	if err != nil {
		return Part{}, fmt.Errorf("archive: %s: upload part %d: %w", m.obj.Key, j.number, err)
	}
	if got := aws.ToString(out.ChecksumSHA256); got != "" && got != b64 {
		return Part{}, fmt.Errorf("archive: %s: part %d: server checksum %s, sent %s", m.obj.Key, j.number, got, b64)
	}
	return Part{Number: j.number, ETag: aws.ToString(out.ETag), ChecksumSHA256: b64, Size: int64(j.n)}, nil
}

// collect records a finished part and reports a checkpoint whenever the
// contiguous prefix grows.
func (m *multipart) collect(d partDone) {
	m.pending[d.part.Number] = d
	advanced := false
	for {
		next, ok := m.pending[int32(len(m.parts))+1]
		if !ok {
			break
		}
		delete(m.pending, next.part.Number)
		m.parts = append(m.parts, next.part)
		m.offset, m.state = next.end, next.state
		advanced = true
	}
	if advanced {
		m.progress(m.checkpoint())
	}
}

func (m *multipart) checkpoint() Checkpoint {
	return Checkpoint{Key: m.obj.Key, UploadID: m.uploadID, Parts: cloneParts(m.parts), Offset: m.offset, HashState: m.state}
}

// complete finishes the multipart upload, checkpoints that, and adds the
// sha256 metadata.
func (m *multipart) complete(ctx context.Context, ps *partSource) (Result, error) {
	parts := make([]types.CompletedPart, len(m.parts))
	for i, p := range m.parts {
		parts[i] = types.CompletedPart{PartNumber: aws.Int32(p.Number), ETag: aws.String(p.ETag), ChecksumSHA256: aws.String(p.ChecksumSHA256)}
	}
	out, err := m.s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(m.s.bucket),
		Key:             aws.String(m.obj.Key),
		UploadId:        aws.String(m.uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		// Never overwrite: a key is written once.
		IfNoneMatch: aws.String("*"),
	})
	cp := m.checkpoint()
	cp.Completed = true
	cp.SHA256 = ps.sum()
	if err != nil {
		if !isPreconditionFailed(err) {
			return Result{}, fmt.Errorf("archive: %s: complete multipart upload: %w", m.obj.Key, err)
		}
		return m.completedBefore(ctx, cp)
	}
	cp.ETag = aws.ToString(out.ETag)
	cp.VersionID = aws.ToString(out.VersionId)
	m.progress(cp)
	start := time.Now()
	res, err := m.s.finalize(ctx, m.obj, cp, m.resumed)
	m.s.log.Debug("multipart upload finished", "key", m.obj.Key, "bytes", cp.Offset, "parts", len(cp.Parts),
		"metadata_step", time.Since(start), "err", err)
	return res, err
}

// completedBefore handles a Complete refused because the key exists. If
// the stored object is these very bytes of the same file (an earlier
// attempt completed them, and the checkpoint saying so was lost), this
// upload is dropped and the stored object finished; anything else is a
// conflict: the upload is aborted and the object left alone.
func (m *multipart) completedBefore(ctx context.Context, cp Checkpoint) (Result, error) {
	m.s.abortQuiet(ctx, m.obj.Key, m.uploadID, ErrObjectExists)
	info, ok, err := m.s.Head(ctx, m.obj.Key)
	if err != nil {
		return Result{}, err
	}
	composite, _ := compositeChecksum(cp.Parts)
	same := ok && sameOwner(info, m.obj) && info.Size == cp.Offset &&
		(info.Metadata[MetaSHA256] == cp.SHA256 || (info.Metadata[MetaSHA256] == "" && info.ChecksumSHA256 == composite))
	if !same {
		return Result{}, fmt.Errorf("%w (%s)", ErrObjectExists, m.obj.Key)
	}
	if info.Metadata[MetaSHA256] == cp.SHA256 {
		return m.s.verify(ctx, m.obj.Key, expectation{size: cp.Offset, sha256: cp.SHA256}, m.resumed)
	}
	cp.ETag, cp.VersionID = info.ETag, info.VersionID
	m.progress(cp)
	return m.s.finalize(ctx, m.obj, cp, m.resumed)
}

const abortTimeout = 30 * time.Second

// abortQuiet aborts an upload after a definitive failure; failures to
// abort are logged (a bucket lifecycle rule reaps what is left).
func (s *Store) abortQuiet(ctx context.Context, key, uploadID string, cause error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	})
	if err != nil && !isNoSuchUpload(err) {
		s.log.Warn("abort multipart upload failed", "key", key, "upload_id", uploadID, "cause", cause, "err", err)
	}
}
