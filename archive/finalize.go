package archive

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// finalize adds the sha256 metadata to a completed multipart object by
// copying it onto itself (metadata REPLACE, checksum algorithm SHA-256),
// then checks what is stored. Where CopyObject refuses the size (S3: above
// 5 GiB) it rewrites the object with UploadPartCopy instead.
func (s *Store) finalize(ctx context.Context, obj Object, cp Checkpoint, resumed bool) (Result, error) {
	meta := objectMetadata(obj, cp.SHA256)
	version, err := s.copyInPlace(ctx, obj, cp, meta)
	byParts := false
	if err != nil && cp.Offset > s.copyThreshold && httpStatus(err) == 400 {
		// S3 refuses CopyObject above 5 GiB: rewrite through UploadPartCopy.
		s.log.Info("copy refused for the object's size; copying by parts", "key", obj.Key, "size", cp.Offset, "err", err)
		byParts = true
		version, err = s.copyByParts(ctx, obj, cp, meta)
	}
	if err != nil {
		return Result{}, err
	}
	if cp.VersionID != "" && version != "" && version != cp.VersionID {
		// Versioned bucket: the copy made a new version; the completed one
		// (without sha256 metadata) is an intermediate we do not keep.
		_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
			Bucket: aws.String(s.bucket), Key: aws.String(obj.Key), VersionId: aws.String(cp.VersionID),
		})
		if err != nil {
			s.log.Warn("could not delete the intermediate version", "key", obj.Key, "version_id", cp.VersionID, "err", err)
		}
	}
	return s.verify(ctx, obj.Key, expectCompleted(cp, !byParts), resumed)
}

// copyInPlace is one CopyObject of the object onto itself, pinned to the
// version and ETag the multipart upload produced.
func (s *Store) copyInPlace(ctx context.Context, obj Object, cp Checkpoint, meta map[string]string) (string, error) {
	in := &s3.CopyObjectInput{
		Bucket:            aws.String(s.bucket),
		Key:               aws.String(obj.Key),
		CopySource:        aws.String(copySource(s.bucket, obj.Key, cp.VersionID)),
		CopySourceIfMatch: aws.String(cp.ETag),
		MetadataDirective: types.MetadataDirectiveReplace,
		Metadata:          meta,
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	}
	if obj.ContentType != "" {
		in.ContentType = aws.String(obj.ContentType)
	}
	out, err := s.client.CopyObject(ctx, in)
	if err != nil {
		return "", fmt.Errorf("archive: %s: add sha256 metadata (copy onto itself): %w", obj.Key, err)
	}
	return aws.ToString(out.VersionId), nil
}

// copyByParts rewrites an object above CopyObject's 5 GiB limit through a
// multipart upload of UploadPartCopy ranges; the new upload carries the
// final metadata from its start.
func (s *Store) copyByParts(ctx context.Context, obj Object, cp Checkpoint, meta map[string]string) (string, error) {
	withMeta := obj
	withMeta.Metadata = meta
	uploadID, err := s.createUpload(ctx, withMeta)
	if err != nil {
		return "", err
	}
	size := cp.Offset
	partSize := max(s.copyPart, (size+MaxParts-1)/MaxParts)
	n := int((size + partSize - 1) / partSize)
	parts := make([]types.CompletedPart, n)
	src := copySource(s.bucket, obj.Key, cp.VersionID)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.inFlight)
	for i := range n {
		first := int64(i) * partSize
		last := min(first+partSize, size) - 1
		g.Go(func() error {
			out, err := s.client.UploadPartCopy(gctx, &s3.UploadPartCopyInput{
				Bucket:            aws.String(s.bucket),
				Key:               aws.String(obj.Key),
				UploadId:          aws.String(uploadID),
				PartNumber:        aws.Int32(int32(i + 1)),
				CopySource:        aws.String(src),
				CopySourceIfMatch: aws.String(cp.ETag),
				CopySourceRange:   aws.String(fmt.Sprintf("bytes=%d-%d", first, last)),
			})
			if err != nil {
				return fmt.Errorf("archive: %s: copy part %d: %w", obj.Key, i+1, err)
			}
			if cs := aws.ToString(out.CopyPartResult.ChecksumSHA256); cs != "" && !isDigest(cs) {
				return fmt.Errorf("archive: %s: the S3 server returned checksum %q for copied part %d, "+
					"which is not the SHA-256 of that range (versitygw v1.8.0 returns the source object's checksum); "+
					"start versitygw with --copy-object-threshold above the largest recording so the sha256 metadata "+
					"is added by one CopyObject", obj.Key, cs, i+1)
			}
			parts[i] = types.CompletedPart{
				PartNumber:     aws.Int32(int32(i + 1)),
				ETag:           out.CopyPartResult.ETag,
				ChecksumSHA256: out.CopyPartResult.ChecksumSHA256,
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		s.abortQuiet(ctx, obj.Key, uploadID, err)
		return "", err
	}
	out, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(obj.Key),
		UploadId:        aws.String(uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		s.abortQuiet(ctx, obj.Key, uploadID, err)
		return "", fmt.Errorf("archive: %s: complete metadata copy: %w", obj.Key, err)
	}
	return aws.ToString(out.VersionId), nil
}

// isDigest reports a base64 SHA-256 digest (not a composite "…-N").
func isDigest(b64 string) bool {
	d, err := base64.StdEncoding.DecodeString(b64)
	return err == nil && len(d) == sha256.Size
}

// expectation is what the stored object must look like.
type expectation struct {
	size   int64
	sha256 string
	// checksums are the acceptable S3 SHA-256 checksum values; nil accepts
	// any non-empty one.
	checksums []string
}

// expectCompleted accepts, for an in-place copy, the full-object checksum
// (S3 may recompute on copy) or the composite of the uploaded parts (kept
// as is, e.g. by versitygw).
func expectCompleted(cp Checkpoint, inPlace bool) expectation {
	e := expectation{size: cp.Offset, sha256: cp.SHA256}
	if !inPlace {
		return e
	}
	if full, err := hex.DecodeString(cp.SHA256); err == nil {
		e.checksums = append(e.checksums, base64.StdEncoding.EncodeToString(full))
	}
	if c, ok := compositeChecksum(cp.Parts); ok {
		e.checksums = append(e.checksums, c)
	}
	return e
}

// compositeChecksum is S3's COMPOSITE SHA-256 of a multipart object:
// base64(sha256(part digests concatenated)) + "-" + part count.
func compositeChecksum(parts []Part) (string, bool) {
	h := sha256.New()
	for _, p := range parts {
		d, err := base64.StdEncoding.DecodeString(p.ChecksumSHA256)
		if err != nil || len(d) != sha256.Size {
			return "", false
		}
		h.Write(d)
	}
	return fmt.Sprintf("%s-%d", base64.StdEncoding.EncodeToString(h.Sum(nil)), len(parts)), true
}

// verify reads the object's head back and checks size, sha256 metadata and
// the S3 SHA-256 checksum.
func (s *Store) verify(ctx context.Context, key string, want expectation, resumed bool) (Result, error) {
	info, ok, err := s.Head(ctx, key)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, fmt.Errorf("archive: %s: object missing right after upload", key)
	}
	switch {
	case info.Size != want.size:
		return Result{}, fmt.Errorf("archive: %s: stored %d bytes, uploaded %d", key, info.Size, want.size)
	case info.Metadata[MetaSHA256] != want.sha256:
		return Result{}, fmt.Errorf("archive: %s: stored sha256 metadata %q, want %s", key, info.Metadata[MetaSHA256], want.sha256)
	case info.ChecksumSHA256 == "":
		return Result{}, fmt.Errorf("archive: %s: the S3 server stored no SHA-256 checksum; use a server that supports x-amz-checksum-sha256", key)
	case want.checksums != nil && !slices.Contains(want.checksums, info.ChecksumSHA256):
		return Result{}, fmt.Errorf("archive: %s: stored SHA-256 checksum %s matches neither the object nor its parts %v", key, info.ChecksumSHA256, want.checksums)
	}
	return Result{
		Key: key, Size: info.Size, SHA256: want.sha256, ChecksumSHA256: info.ChecksumSHA256,
		ETag: info.ETag, VersionID: info.VersionID, Resumed: resumed,
	}, nil
}
