package archive

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Head reports an object's size, user metadata and SHA-256 checksum;
// exists is false (with a nil error) when there is no such object.
func (s *Store) Head(ctx context.Context, key string) (*ObjectInfo, bool, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       aws.String(s.bucket),
		Key:          aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if httpStatus(err) == 404 {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("archive: %s: head object: %w", key, err)
	}
	return &ObjectInfo{
		Key:            key,
		Size:           aws.ToInt64(out.ContentLength),
		Metadata:       out.Metadata,
		ChecksumSHA256: aws.ToString(out.ChecksumSHA256),
		ETag:           aws.ToString(out.ETag),
		VersionID:      aws.ToString(out.VersionId),
	}, true, nil
}

// Abort aborts the multipart upload of a checkpoint so its parts stop
// costing storage (call it when giving up on a file). An upload that no
// longer exists is not an error.
func (s *Store) Abort(ctx context.Context, cp Checkpoint) error {
	if cp.UploadID == "" || cp.Completed {
		return nil
	}
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(s.bucket), Key: aws.String(cp.Key), UploadId: aws.String(cp.UploadID),
	})
	if err != nil && !isNoSuchUpload(err) {
		return fmt.Errorf("archive: %s: abort upload %s: %w", cp.Key, cp.UploadID, err)
	}
	return nil
}
