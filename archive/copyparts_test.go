package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"hash/crc32"
	"io"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The UploadPartCopy path adds the metadata to objects above CopyObject's
// 5 GiB limit. These tests lower the limits to run it on small objects.

// TestCopyByParts copies an object whose parts carry CRC32C checksums, so
// versitygw computes real SHA-256s for the copied ranges.
func TestCopyByParts(t *testing.T) {
	s, rec := newTestStore(t, Config{PartSize: 5 * MiB})
	s.copyThreshold, s.copyPart = 10*MiB, 5*MiB
	ctx := context.Background()
	const key, size = "rec/big.mp4", 12 * MiB
	p := newPattern(20)
	data, err := io.ReadAll(p.reader(0, size))
	require.NoError(t, err)

	etag := putCRC32CMultipart(t, s, key, data)
	cp := Checkpoint{Key: key, Offset: size, Completed: true, SHA256: p.sha256(size), ETag: etag}
	obj := testObject(key, size)
	obj, err = normalizeObject(obj)
	require.NoError(t, err)

	rec.reset()
	_, err = s.copyByParts(ctx, obj, cp, objectMetadata(obj, cp.SHA256))
	require.NoError(t, err)
	assert.Equal(t, 3, rec.count("UploadPartCopy"))
	res, err := s.verify(ctx, key, expectCompleted(cp, false), false)
	require.NoError(t, err)

	// Composite SHA-256 over the copied ranges 5+5+2 MiB.
	var ranges []Part
	for off := int64(0); off < size; off += 5 * MiB {
		sum := sha256.Sum256(data[off:min(off+5*MiB, size)])
		ranges = append(ranges, Part{ChecksumSHA256: base64.StdEncoding.EncodeToString(sum[:])})
	}
	want, _ := compositeChecksum(ranges)
	assert.Equal(t, want, res.ChecksumSHA256)
	info, _, err := s.Head(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{MetaZoomFileID: "file-" + key, MetaTenant: "acme", MetaSHA256: cp.SHA256}, info.Metadata)
	got, n := download(t, s, key)
	assert.Equal(t, cp.SHA256, got)
	assert.Equal(t, int64(size), n)
	assert.Zero(t, openUploads(t, s, key))
}

// TestStreamFallsBackToCopyByParts runs a second versitygw whose CopyObject
// limit (--copy-object-threshold, 5 GiB by default) is below the object,
// as for a >5 GiB recording on a default versitygw or on AWS: CopyObject is
// refused with 400 and Stream rewrites by parts. versitygw v1.8.0 then
// hands back wrong part checksums, and the error says how to configure it.
func TestStreamFallsBackToCopyByParts(t *testing.T) {
	needS3(t)
	endpoint := startExtraVersityGW(t, "--copy-object-threshold", strconv.Itoa(10*MiB))
	s, rec := newTestStoreAt(t, endpoint, Config{PartSize: 5 * MiB})
	s.copyThreshold, s.copyPart = 10*MiB, 5*MiB
	ctx := context.Background()
	const key, size = "rec/fallback.mp4", 12 * MiB
	p := newPattern(21)
	res, err := s.Stream(ctx, testObject(key, size), p.reader(0, size), nil, nil)
	assert.Equal(t, 1, rec.count("CopyObject"))
	assert.GreaterOrEqual(t, rec.count("UploadPartCopy"), 1)
	if err != nil {
		require.ErrorContains(t, err, "--copy-object-threshold")
		assert.Zero(t, openUploads(t, s, key), "the copy upload was aborted")
		return
	}
	assert.Equal(t, p.sha256(size), res.SHA256) // a server without the bug
}

// putCRC32CMultipart stores data as a 3-part upload with CRC32C checksums.
func putCRC32CMultipart(t *testing.T, s *Store, key string, data []byte) string {
	t.Helper()
	ctx := context.Background()
	c := s.Client()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(s.Bucket()), Key: aws.String(key), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
	})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, off := int32(1), 0; off < len(data); i, off = i+1, off+5*MiB {
		chunk := data[off:min(off+5*MiB, len(data))]
		crc := crc32.Checksum(chunk, crc32.MakeTable(crc32.Castagnoli))
		b := []byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)}
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(s.Bucket()), Key: aws.String(key), UploadId: up.UploadId, PartNumber: aws.Int32(i),
			Body: bytes.NewReader(chunk), ChecksumCRC32C: aws.String(base64.StdEncoding.EncodeToString(b)),
		})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(i), ETag: out.ETag, ChecksumCRC32C: out.ChecksumCRC32C})
	}
	out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(s.Bucket()), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	require.NoError(t, err)
	return aws.ToString(out.ETag)
}
