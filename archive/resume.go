package archive

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// resume continues the upload of a checkpoint; src starts at cp.Offset.
func (s *Store) resume(ctx context.Context, obj Object, src io.Reader, cp Checkpoint, progress func(Checkpoint)) (Result, error) {
	if cp.Key != obj.Key {
		return Result{}, stale(obj.Key, "checkpoint is for key %q", cp.Key)
	}
	if cp.Completed {
		return s.resumeCompleted(ctx, obj, cp)
	}
	if cp.Offset == 0 {
		// Nothing worth keeping: src starts at byte 0, so start over.
		s.abortQuiet(ctx, obj.Key, cp.UploadID, ErrCheckpointStale)
		return s.streamNew(ctx, obj, src, progress)
	}
	if obj.ExpectedSize >= 0 && cp.Offset > obj.ExpectedSize {
		err := &SizeMismatchError{Key: obj.Key, Expected: obj.ExpectedSize, Got: cp.Offset, AtLeast: true}
		s.abortQuiet(ctx, obj.Key, cp.UploadID, err)
		return Result{}, err
	}
	h, err := restoreHash(cp.HashState)
	if err == nil {
		err = checkParts(cp)
	}
	if err != nil {
		s.abortQuiet(ctx, obj.Key, cp.UploadID, err)
		return Result{}, stale(obj.Key, "invalid checkpoint: %v", err)
	}

	server, err := s.listParts(ctx, obj.Key, cp.UploadID)
	if isNoSuchUpload(err) {
		return Result{}, stale(obj.Key, "upload %s no longer exists (aborted, completed or expired)", cp.UploadID)
	}
	if err != nil {
		return Result{}, err
	}
	for _, p := range cp.Parts {
		sp, ok := server[p.Number]
		if !ok || unquote(aws.ToString(sp.ETag)) != unquote(p.ETag) || aws.ToInt64(sp.Size) != p.Size ||
			(aws.ToString(sp.ChecksumSHA256) != "" && aws.ToString(sp.ChecksumSHA256) != p.ChecksumSHA256) {
			s.abortQuiet(ctx, obj.Key, cp.UploadID, ErrCheckpointStale)
			return Result{}, stale(obj.Key, "part %d on the server differs from the checkpoint", p.Number)
		}
		delete(server, p.Number)
	}

	set, err := s.bufs.acquire(ctx, s.inFlight+1)
	if err != nil {
		return Result{}, err
	}
	defer set.release()
	m := &multipart{
		s: s, obj: obj, uploadID: cp.UploadID, progress: progress, resumed: true,
		existing: server, parts: cloneParts(cp.Parts), offset: cp.Offset, state: cp.HashState,
	}
	s.log.Info("resuming upload", "key", obj.Key, "upload_id", cp.UploadID, "parts", len(cp.Parts), "offset", cp.Offset)
	return m.run(ctx, newPartSource(src, h, cp.Offset, obj), set, nil)
}

// resumeCompleted finishes an upload whose multipart part was completed
// before the previous attempt stopped.
func (s *Store) resumeCompleted(ctx context.Context, obj Object, cp Checkpoint) (Result, error) {
	info, ok, err := s.Head(ctx, obj.Key)
	if err != nil {
		return Result{}, err
	}
	switch {
	case !ok || info.Size != cp.Offset:
		return Result{}, stale(obj.Key, "completed object is gone or has another size")
	case info.Metadata[MetaSHA256] == cp.SHA256:
		// The metadata step had already run (in place or by parts, so any
		// SHA-256 checksum is accepted).
		return s.verify(ctx, obj.Key, expectCompleted(cp, false), true)
	case unquote(info.ETag) == unquote(cp.ETag):
		return s.finalize(ctx, obj, cp, true)
	default:
		return Result{}, stale(obj.Key, "object was replaced since the upload completed")
	}
}

// checkParts checks a checkpoint's parts are 1..n and cover [0, Offset).
func checkParts(cp Checkpoint) error {
	var total int64
	for i, p := range cp.Parts {
		if p.Number != int32(i+1) || p.Size <= 0 || p.ETag == "" {
			return fmt.Errorf("part %d of %d is malformed", i+1, len(cp.Parts))
		}
		total += p.Size
	}
	if total != cp.Offset {
		return fmt.Errorf("parts cover %d bytes, offset is %d", total, cp.Offset)
	}
	return nil
}

// listParts returns the parts the server holds for an upload.
func (s *Store) listParts(ctx context.Context, key, uploadID string) (map[int32]types.Part, error) {
	parts := map[int32]types.Part{}
	pager := s3.NewListPartsPaginator(s.client, &s3.ListPartsInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			if isNoSuchUpload(err) {
				return nil, err
			}
			return nil, fmt.Errorf("archive: %s: list parts of upload %s: %w", key, uploadID, err)
		}
		for _, p := range page.Parts {
			parts[aws.ToInt32(p.PartNumber)] = p
		}
	}
	return parts, nil
}

func stale(key, format string, args ...any) error {
	return fmt.Errorf("%w (%s: %s)", ErrCheckpointStale, key, fmt.Sprintf(format, args...))
}
