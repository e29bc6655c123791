package archive

import (
	"errors"
	"fmt"
)

// Object describes the object Stream writes.
type Object struct {
	// Key is the object key inside the Store's bucket.
	Key string
	// ContentType is stored as the object's Content-Type (optional).
	ContentType string
	// ExpectedSize is the byte count the source announced (Zoom's file_size);
	// -1 when unknown. A different count fails the upload with *SizeMismatchError.
	ExpectedSize int64
	// Metadata is stored as user metadata. It must hold non-empty
	// MetaZoomFileID and MetaTenant; Stream adds MetaSHA256 itself (a value
	// given here under that key is replaced).
	Metadata map[string]string
}

// User metadata keys every archived object carries (stored as x-amz-meta-*).
const (
	MetaZoomFileID = "zoom-file-id"
	MetaTenant     = "tenant"
	MetaSHA256     = "sha256"
)

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number         int32
	ETag           string
	ChecksumSHA256 string // base64, as S3 returned it
	Size           int64
}

// Checkpoint is the resumable state of one Stream call. It is small and
// JSON-friendly (about 120 bytes per part) so callers can keep it as Temporal
// heartbeat details.
type Checkpoint struct {
	Key      string
	UploadID string
	// Parts are the uploaded parts 1..len(Parts) covering bytes [0, Offset).
	Parts []Part
	// Offset is where the source must resume: the next byte after Parts.
	Offset int64
	// HashState is the SHA-256 state over bytes [0, Offset)
	// (crypto/sha256 via encoding.BinaryMarshaler).
	HashState []byte
	// Completed is set once CompleteMultipartUpload succeeded: only the
	// metadata step is left, and a resumed Stream does not read its source.
	Completed bool
	// SHA256 (hex), ETag and VersionID describe the completed object; they
	// are set together with Completed.
	SHA256    string
	ETag      string
	VersionID string
}

// Result describes the archived object.
type Result struct {
	Key            string
	Size           int64
	SHA256         string // hex SHA-256 of the whole object
	ChecksumSHA256 string // S3's base64 SHA-256 checksum as stored ("…-N" for a composite multipart checksum)
	ETag           string
	VersionID      string
	Resumed        bool // true when a checkpoint was resumed
}

// ObjectInfo is what Head reports about a stored object.
type ObjectInfo struct {
	Key            string
	Size           int64
	Metadata       map[string]string
	ChecksumSHA256 string
	ETag           string
	VersionID      string
}

// SizeMismatchError reports a source whose byte count differs from
// Object.ExpectedSize. The upload has been aborted; retrying with the same
// source will fail the same way.
type SizeMismatchError struct {
	Key      string
	Expected int64
	Got      int64
	// AtLeast is true when reading stopped early because the source already
	// exceeded Expected; Got is then a lower bound.
	AtLeast bool
}

func (e *SizeMismatchError) Error() string {
	got := fmt.Sprintf("%d", e.Got)
	if e.AtLeast {
		got = "at least " + got
	}
	return fmt.Sprintf("archive: %s: source has %s bytes but %d were expected — "+
		"the download is truncated or not the announced file; re-list the recording to get a fresh size and URL",
		e.Key, got, e.Expected)
}

// ErrCheckpointStale means a checkpoint can no longer be resumed (its upload
// was aborted or expired, or its parts no longer match). The caller must drop
// the checkpoint and stream again from byte 0; StreamFrom does that itself.
var ErrCheckpointStale = errors.New("archive: checkpoint cannot be resumed; stream again from byte 0 without it")

// ErrObjectExists means the key already holds an object that is not the
// one being written (another tenant's or file's, or other bytes). Writes are
// conditional (If-None-Match: *), so nothing was overwritten; retrying
// cannot help.
var ErrObjectExists = errors.New("archive: another object already holds this key; nothing was overwritten")

// ErrTooManyParts means the source is larger than MaxParts × PartSize.
var ErrTooManyParts = errors.New("archive: source needs more than 10000 parts; raise Config.PartSize")
