package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Opener opens the source at a byte offset, e.g. an HTTP GET with
// "Range: bytes=offset-". StreamFrom calls it once per attempt.
type Opener func(ctx context.Context, offset int64) (io.ReadCloser, error)

// Stream reads src to EOF into obj.Key; see the package documentation for
// the protocol. With cp.UploadID set it resumes that upload and src must
// start at cp.Offset (src is not read, and may be nil, when cp.Completed).
// progress is called, one call at a time, whenever the finished prefix of
// parts grows and once more when the multipart upload is completed; store
// its checkpoint as heartbeat details.
//
// A checkpoint that can no longer be resumed yields an error matching
// ErrCheckpointStale: drop it and stream again from byte 0 (StreamFrom does
// so). On a source or S3 error the upload is kept for the next attempt; only
// a *SizeMismatchError or ErrTooManyParts aborts it.
func (s *Store) Stream(ctx context.Context, obj Object, src io.Reader, cp *Checkpoint, progress func(Checkpoint)) (Result, error) {
	obj, err := normalizeObject(obj)
	if err != nil {
		return Result{}, err
	}
	if progress == nil {
		progress = func(Checkpoint) {}
	}
	if src == nil && (cp == nil || !cp.Completed) {
		return Result{}, fmt.Errorf("archive: %s: no source to read", obj.Key)
	}
	if cp != nil && cp.UploadID != "" {
		return s.resume(ctx, obj, src, *cp, progress)
	}
	return s.streamNew(ctx, obj, src, progress)
}

// StreamFrom is Stream with a source it can reopen: it opens the source at
// cp.Offset, and if the checkpoint turns out stale it reopens at byte 0
// and starts a fresh upload in the same call.
func (s *Store) StreamFrom(ctx context.Context, obj Object, open Opener, cp *Checkpoint, progress func(Checkpoint)) (Result, error) {
	if cp != nil && cp.UploadID != "" {
		res, err := s.streamOpened(ctx, obj, open, cp, progress)
		if !errors.Is(err, ErrCheckpointStale) {
			return res, err
		}
		s.log.Warn("checkpoint cannot be resumed; restarting from byte 0",
			"key", obj.Key, "upload_id", cp.UploadID, "offset", cp.Offset, "err", err)
	}
	return s.streamOpened(ctx, obj, open, nil, progress)
}

func (s *Store) streamOpened(ctx context.Context, obj Object, open Opener, cp *Checkpoint, progress func(Checkpoint)) (Result, error) {
	var src io.Reader
	if cp == nil || !cp.Completed {
		var offset int64
		if cp != nil {
			offset = cp.Offset
		}
		rc, err := open(ctx, offset)
		if err != nil {
			return Result{}, fmt.Errorf("archive: %s: open source at byte %d: %w", obj.Key, offset, err)
		}
		defer rc.Close()
		src = rc
	}
	return s.Stream(ctx, obj, src, cp, progress)
}

// streamNew uploads src from byte 0: one PutObject when it fits in a part,
// a multipart upload otherwise.
func (s *Store) streamNew(ctx context.Context, obj Object, src io.Reader, progress func(Checkpoint)) (Result, error) {
	ps := newPartSource(src, sha256.New(), 0, obj)
	if obj.ExpectedSize >= 0 && obj.ExpectedSize <= s.partSize {
		return s.streamKnownSmall(ctx, obj, ps)
	}
	if obj.ExpectedSize > MaxParts*s.partSize {
		return Result{}, fmt.Errorf("%w (%s: %d bytes, part size %d)", ErrTooManyParts, obj.Key, obj.ExpectedSize, s.partSize)
	}
	var head []byte
	var headSet *bufferSet
	if obj.ExpectedSize < 0 {
		// Files of unknown size (CC, TIMELINE) are mostly small: read the
		// first MiB into an exact buffer before reserving a multipart
		// upload's buffers, so small files do not queue behind large ones.
		var err error
		if headSet, err = s.bufs.acquireExact(ctx, tinyObject); err != nil {
			return Result{}, err
		}
		defer func() {
			if headSet != nil {
				headSet.release()
			}
		}()
		b, err := headSet.get(ctx)
		if err != nil {
			return Result{}, err
		}
		n, eof, err := ps.fill(b)
		if err == nil && !eof {
			eof, err = ps.atEOF()
		}
		if err != nil {
			return Result{}, err
		}
		if eof {
			return s.putSingle(ctx, obj, b[:n], ps)
		}
		head = b[:n]
		// Give the head's budget back before waiting for a full set: a
		// stream holding one while waiting for the other could deadlock
		// with its peers. The head bytes stay readable until copied.
		headSet.release()
		headSet = nil
	}
	set, err := s.bufs.acquire(ctx, s.inFlight+1)
	if err != nil {
		return Result{}, err
	}
	defer set.release()
	buf, err := set.get(ctx)
	if err != nil {
		return Result{}, err
	}
	copy(buf, head)
	n, eof, err := ps.fill(buf[len(head):])
	n += len(head)
	if err == nil && !eof {
		eof, err = ps.atEOF()
	}
	if err != nil || eof {
		defer set.put(buf)
		if err != nil {
			return Result{}, err
		}
		return s.putSingle(ctx, obj, buf[:n], ps)
	}
	uploadID, err := s.createUpload(ctx, obj)
	if err != nil {
		set.put(buf)
		return Result{}, err
	}
	m := &multipart{s: s, obj: obj, uploadID: uploadID, progress: progress}
	return m.run(ctx, ps, set, buf[:n])
}

// streamKnownSmall handles a source announced to fit in one part: one
// buffer (an exact one for tiny files) and one PutObject.
func (s *Store) streamKnownSmall(ctx context.Context, obj Object, ps *partSource) (Result, error) {
	var set *bufferSet
	var err error
	if obj.ExpectedSize < tinyObject {
		set, err = s.bufs.acquireExact(ctx, obj.ExpectedSize)
	} else {
		set, err = s.bufs.acquire(ctx, 1)
	}
	if err != nil {
		return Result{}, err
	}
	defer set.release()
	buf, err := set.get(ctx)
	if err != nil {
		return Result{}, err
	}
	defer set.put(buf)
	n, eof, err := ps.fill(buf[:obj.ExpectedSize])
	if err == nil && !eof {
		eof, err = ps.atEOF()
	}
	if err != nil {
		return Result{}, err
	}
	if !eof { // unreachable: atEOF reports a longer source as a size mismatch
		return Result{}, fmt.Errorf("archive: %s: source longer than announced", obj.Key)
	}
	return s.putSingle(ctx, obj, buf[:n], ps)
}

// putSingle writes a whole object with one PutObject carrying its full
// SHA-256 checksum and all metadata.
func (s *Store) putSingle(ctx context.Context, obj Object, data []byte, ps *partSource) (Result, error) {
	sum := ps.hash.Sum(nil)
	hexSum, b64 := hex.EncodeToString(sum), base64.StdEncoding.EncodeToString(sum)
	in := &s3.PutObjectInput{
		Bucket:         aws.String(s.bucket),
		Key:            aws.String(obj.Key),
		Body:           bytes.NewReader(data),
		ContentLength:  aws.Int64(int64(len(data))),
		ChecksumSHA256: aws.String(b64),
		Metadata:       objectMetadata(obj, hexSum),
		// Never overwrite: a key is written once.
		IfNoneMatch: aws.String("*"),
	}
	if obj.ContentType != "" {
		in.ContentType = aws.String(obj.ContentType)
	}
	want := expectation{size: int64(len(data)), sha256: hexSum, checksums: []string{b64}}
	if _, err := s.client.PutObject(ctx, in, unsignedPayload); err != nil {
		if !isPreconditionFailed(err) {
			return Result{}, fmt.Errorf("archive: %s: put object: %w", obj.Key, err)
		}
		// Something is there already. The same bytes of the same file (a
		// retry whose first answer was lost) are fine; anything else is a
		// conflict left untouched.
		info, ok, herr := s.Head(ctx, obj.Key)
		if herr != nil {
			return Result{}, herr
		}
		if !ok || !sameOwner(info, obj) || info.Metadata[MetaSHA256] != hexSum || info.Size != want.size {
			return Result{}, fmt.Errorf("%w (%s)", ErrObjectExists, obj.Key)
		}
	}
	return s.verify(ctx, obj.Key, want, false)
}

// sameOwner reports whether a stored object carries obj's tenant and file
// id metadata.
func sameOwner(info *ObjectInfo, obj Object) bool {
	return info.Metadata[MetaTenant] == obj.Metadata[MetaTenant] && info.Metadata[MetaZoomFileID] == obj.Metadata[MetaZoomFileID]
}

// normalizeObject lower-cases metadata keys and checks the contract's
// required metadata.
func normalizeObject(obj Object) (Object, error) {
	if obj.Key == "" {
		return obj, errors.New("archive: Object.Key is required")
	}
	meta := make(map[string]string, len(obj.Metadata)+1)
	for k, v := range obj.Metadata {
		meta[strings.ToLower(k)] = v
	}
	for _, k := range []string{MetaZoomFileID, MetaTenant} {
		if meta[k] == "" {
			return obj, fmt.Errorf("archive: %s: Object.Metadata[%q] is required — every archived object carries %s, %s and %s",
				obj.Key, k, MetaZoomFileID, MetaTenant, MetaSHA256)
		}
	}
	delete(meta, MetaSHA256)
	obj.Metadata = meta
	return obj, nil
}

// objectMetadata is the object's final user metadata.
func objectMetadata(obj Object, hexSum string) map[string]string {
	meta := make(map[string]string, len(obj.Metadata)+1)
	for k, v := range obj.Metadata {
		meta[k] = v
	}
	meta[MetaSHA256] = hexSum
	return meta
}
