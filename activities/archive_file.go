package activities

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// ArchiveFile streams one Zoom recording file into S3 and records it in
// Postgres. It is idempotent (an archived file is never fetched again) and
// resumable: every completed multipart part is checkpointed in the activity's
// heartbeat, so a retry after a crash continues at the next part with a Range
// request instead of starting over.
func (a *Activities) ArchiveFile(ctx context.Context, in ArchiveFileInput) (ArchiveFileResult, error) {
	key := store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID}
	what := fmt.Sprintf("tenant %s: %s file %s (%s) of %s", in.TenantID, in.Source, in.File.FileID, in.File.FileType, in.ConversationUUID)
	if rec, err := a.Store.ArchivedFile(ctx, key, in.File.FileID); err == nil {
		return ArchiveFileResult{Outcome: OutcomeAlreadyArchived, Key: rec.S3Key, Size: rec.SizeBytes, SHA256: rec.SHA256}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return ArchiveFileResult{}, err
	}
	objKey, err := ObjectKey(in)
	if err != nil {
		return ArchiveFileResult{}, classify(err, what)
	}
	// A crash between the S3 upload and the Postgres insert leaves a complete,
	// verified object behind: record it instead of downloading again.
	// The object's own tenant and file id metadata must say it is this file:
	// a key is only a name, and trusting it alone would record someone
	// else's bytes as this file.
	if info, ok, err := a.Archive.Head(ctx, objKey); err != nil {
		return ArchiveFileResult{}, fmt.Errorf("%s: %w", what, err)
	} else if ok && info.Metadata[archive.MetaSHA256] != "" {
		if info.Metadata[archive.MetaTenant] != in.TenantID || info.Metadata[archive.MetaZoomFileID] != in.File.FileID {
			return ArchiveFileResult{}, classify(fmt.Errorf("%w: %s holds tenant %q file %q", archive.ErrObjectExists, objKey,
				info.Metadata[archive.MetaTenant], info.Metadata[archive.MetaZoomFileID]), what)
		}
		if !in.File.HasSize || info.Size == in.File.Size {
			res := archive.Result{Key: objKey, Size: info.Size, SHA256: info.Metadata[archive.MetaSHA256],
				ChecksumSHA256: info.ChecksumSHA256, ETag: info.ETag, VersionID: info.VersionID}
			return a.recordArchived(ctx, in, res)
		}
	}

	var cp archive.Checkpoint
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &cp); err != nil || cp.Key != objKey {
			cp = archive.Checkpoint{}
		}
	}
	expected := int64(-1)
	if in.File.HasSize {
		expected = in.File.Size
	}
	hb := newHeartbeater(ctx, cp)
	var resume *archive.Checkpoint
	if cp.UploadID != "" {
		resume = &cp
	}
	res, err := a.Archive.StreamFrom(ctx, archive.Object{
		Key:          objKey,
		ContentType:  contentType(in.File),
		ExpectedSize: expected,
		Metadata:     map[string]string{archive.MetaZoomFileID: in.File.FileID, archive.MetaTenant: in.TenantID},
	}, func(ctx context.Context, offset int64) (io.ReadCloser, error) {
		rc, err := a.openDownload(ctx, in, offset)
		if err != nil {
			return nil, err
		}
		if expected < 0 {
			rc = capReader(rc, a.maxUnknownBytes()-offset)
		}
		return hb.wrap(rc), nil
	}, resume, hb.checkpoint)
	if err != nil {
		cerr := classify(err, what)
		if finalAttempt(ctx, cerr) {
			a.abortUpload(ctx, hb.current(), what)
		}
		return ArchiveFileResult{}, cerr
	}
	return a.recordArchived(ctx, in, res)
}

// finalAttempt reports an error after which no attempt of this activity
// follows: non-retryable, or the retry policy's last attempt.
func finalAttempt(ctx context.Context, err error) bool {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NonRetryable() {
		return true
	}
	if errors.As(err, &appErr) && slices.Contains(NonRetryable, appErr.Type()) {
		return true
	}
	if !activity.IsActivity(ctx) {
		return false
	}
	info := activity.GetInfo(ctx)
	return info.RetryPolicy != nil && info.RetryPolicy.MaximumAttempts > 0 && info.Attempt >= info.RetryPolicy.MaximumAttempts
}

// abortUpload aborts the multipart upload of a file given up on, so its
// parts stop costing storage (the bucket's AbortIncompleteMultipartUpload
// lifecycle rule catches what a crash leaves).
func (a *Activities) abortUpload(ctx context.Context, cp archive.Checkpoint, what string) {
	if cp.UploadID == "" || cp.Completed {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := a.Archive.Abort(ctx, cp); err != nil && activity.IsActivity(ctx) {
		activity.GetLogger(ctx).Warn("could not abort the multipart upload of a failed file", "file", what, "err", err)
	}
}

// openDownload opens the file's download at offset (a Range request; bytes
// are skipped when the server ignores it). From byte 0 it refuses HTML error
// pages that came with a misleading content type.
func (a *Activities) openDownload(ctx context.Context, in ArchiveFileInput, offset int64) (io.ReadCloser, error) {
	if in.Source == SourceBot {
		return a.openBotDownload(ctx, in, offset)
	}
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	dl, err := a.download(ctx, c, in, offset)
	if err != nil {
		return nil, err
	}
	return positioned(dl.Body, dl.Offset, offset)
}

// positioned returns body, served from byte servedFrom, read from byte
// offset: bytes are skipped when the server ignored the Range request. From
// byte 0 it refuses HTML error pages that came with a misleading content
// type. body is closed on error.
func positioned(body io.ReadCloser, servedFrom, offset int64) (io.ReadCloser, error) {
	var src io.Reader = body
	if offset > 0 && servedFrom != offset {
		if _, err := io.CopyN(io.Discard, src, offset); err != nil {
			body.Close()
			return nil, fmt.Errorf("skipping %d archived bytes: %w", offset, err)
		}
	}
	if offset == 0 {
		var err error
		if src, err = refuseHTML(src); err != nil {
			body.Close()
			return nil, err
		}
	}
	return readCloser{Reader: src, Closer: body}, nil
}

// download opens the file with the best token at hand: the recording.completed
// event's download_token while it is valid, else the tenant's OAuth token;
// when Zoom refuses that, a download_access_token minted for the meeting.
func (a *Activities) download(ctx context.Context, c *zoom.Client, in ArchiveFileInput, offset int64) (*zoom.Download, error) {
	if tok, err := a.Store.DownloadToken(ctx, in.TenantID, in.ConversationUUID, time.Now()); err == nil {
		dl, err := c.OpenDownload(ctx, in.File.DownloadURL, tok, offset)
		if err == nil || !refused(err) {
			return dl, err
		}
	}
	token, err := c.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	dl, err := c.OpenDownload(ctx, in.File.DownloadURL, token, offset)
	if err == nil || !refused(err) {
		return dl, err
	}
	if in.Source == SourcePhone {
		return nil, err // a phone recording has no meeting to fetch a download token from
	}
	m, _, merr := c.Recordings.GetMeeting(ctx, in.ConversationUUID, &zoom.GetMeetingRecordingsOptions{IncludeDownloadAccessToken: true, TTL: 3600})
	if merr != nil || m.DownloadAccessToken == "" {
		return nil, err
	}
	// The token goes with the listing's URL of the same file (found by its
	// identity): a webhook's /rec/webhook_download/… URL is the event's.
	return c.OpenDownload(ctx, listedURL(m, in.File), m.DownloadAccessToken, offset)
}

// refused reports a download Zoom answered with an HTML page or a 401.
func refused(err error) bool {
	var h *zoom.HTMLResponseError
	return errors.As(err, &h) || zoom.IsUnauthorized(err)
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (a *Activities) recordArchived(ctx context.Context, in ArchiveFileInput, res archive.Result) (ArchiveFileResult, error) {
	f := in.File
	rec := store.FileRecord{
		ConversationKey:  store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID},
		FileID:           f.FileID,
		ZoomFileID:       f.ZoomFileID,
		FileType:         f.FileType,
		FileExtension:    f.FileExtension,
		RecordingType:    f.RecordingType,
		RecordingStart:   f.RecordingStart,
		RecordingEnd:     f.RecordingEnd,
		SizeBytes:        res.Size,
		SHA256:           res.SHA256,
		S3Bucket:         a.Archive.Bucket(),
		S3Key:            res.Key,
		S3VersionID:      res.VersionID,
		S3ChecksumSHA256: res.ChecksumSHA256,
	}
	if !f.RecordingStart.IsZero() && f.RecordingEnd.After(f.RecordingStart) {
		secs := int(f.RecordingEnd.Sub(f.RecordingStart).Seconds())
		rec.MediaLengthSeconds = &secs
	}
	inserted, err := a.Store.InsertFile(ctx, rec)
	if err != nil {
		return ArchiveFileResult{}, err
	}
	out := ArchiveFileResult{Outcome: OutcomeArchived, Key: res.Key, Size: res.Size, SHA256: res.SHA256, Resumed: res.Resumed}
	if !inserted {
		out.Outcome = OutcomeAlreadyArchived
	}
	return out, nil
}

// ObjectKey is where a file lives in the bucket:
// {tenant}/{source}/{yyyy}/{mm}/{dd}/{uuid}/{file id}.{ext}.
//
// Every part that comes from outside is validated or encoded before it
// enters the key, and the key is assembled by concatenation (no path.Join,
// which would resolve "../"):
//   - Zoom UUIDs are base64 and may contain "/" and "+": those become "_"
//     and "-" (base64url), keeping keys flat and reversible; a UUID with
//     other characters (or only "_", "-", "=") becomes "~" and its
//     base64url encoding.
//   - A file id made of letters, digits, "-" and "_" (every id Zoom and the
//     bot provider hand out) is used as is; any other id is replaced by "~"
//     and the base64url SHA-256 of the id ("~" never occurs in a plain id,
//     so the two forms cannot collide). The object's zoom-file-id metadata
//     keeps the original.
//   - An extension is 1–8 lower-case letters or digits, else "bin".
//
// Tenant ids and sources must be plain segments. The assembled key is
// checked once more (checkObjectKey); an error matches errKeyInvalid.
func ObjectKey(in ArchiveFileInput) (string, error) {
	if !plainSegment.MatchString(in.TenantID) || strings.Contains(in.TenantID, "..") {
		return "", fmt.Errorf("%w: tenant id %q is not a plain key segment (letters, digits, . _ -)", errKeyInvalid, in.TenantID)
	}
	if !plainSegment.MatchString(in.Source) || strings.Contains(in.Source, "..") {
		return "", fmt.Errorf("%w: source %q is not a plain key segment", errKeyInvalid, in.Source)
	}
	day := in.MeetingStart.UTC().Format("2006/01/02")
	if in.MeetingStart.IsZero() {
		day = "undated"
	}
	key := in.TenantID + "/" + in.Source + "/" + day + "/" + uuidSegment(in.ConversationUUID) + "/" +
		fileIDSegment(in.File.FileID) + "." + extSegment(in.File)
	if err := checkObjectKey(key, in.TenantID, in.Source); err != nil {
		return "", err
	}
	return key, nil
}

// errKeyInvalid marks a key that would not stay in its tenant's prefix.
var errKeyInvalid = errors.New("object key refused")

var (
	plainSegment = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	plainFileID  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	plainUUID    = regexp.MustCompile(`^[A-Za-z0-9_=-]{1,128}$`)
	plainExt     = regexp.MustCompile(`^[a-z0-9]{1,8}$`)
)

func uuidSegment(uuid string) string {
	s := strings.NewReplacer("/", "_", "+", "-").Replace(uuid)
	if plainUUID.MatchString(s) && strings.Trim(s, "_-=") != "" {
		return s
	}
	// "~" never occurs in a plain UUID: the encoded form cannot collide.
	return "~" + base64.RawURLEncoding.EncodeToString([]byte(uuid))
}

func fileIDSegment(id string) string {
	if plainFileID.MatchString(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "~" + base64.RawURLEncoding.EncodeToString(sum[:])
}

func extSegment(f RecordingFile) string {
	ext := strings.ToLower(f.FileExtension)
	if ext == "" {
		ext = strings.ToLower(f.FileType)
	}
	if !plainExt.MatchString(ext) {
		return "bin"
	}
	return ext
}

// checkObjectKey is the last word on a key: it starts with
// {tenant}/{source}/, and no segment is empty, "." or "..", or holds a
// control character or a backslash.
func checkObjectKey(key, tenant, source string) error {
	prefix := tenant + "/" + source + "/"
	if !strings.HasPrefix(key, prefix) || len(key) > 1024 {
		return fmt.Errorf("%w: %q does not start with %q", errKeyInvalid, key, prefix)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
			return fmt.Errorf("%w: %q has an empty, dot or control-character segment", errKeyInvalid, key)
		}
	}
	return nil
}

func contentType(f RecordingFile) string {
	switch strings.ToUpper(f.FileType) {
	case "MP4":
		return "video/mp4"
	case "M4A":
		return "audio/mp4"
	case "MP3":
		return "audio/mpeg"
	case "TRANSCRIPT", "CC":
		return "text/vtt"
	case "CHAT":
		return "text/plain"
	case "TIMELINE", "SUMMARY":
		return "application/json"
	case "CSV":
		return "text/csv"
	}
	return "application/octet-stream"
}

// errHTMLBody is returned when a media download turns out to be an HTML page
// although the server did not label it text/html.
type errHTMLBody struct{ snippet string }

func (e *errHTMLBody) Error() string {
	return "the download is an HTML page, not media: " + e.snippet
}

// refuseHTML peeks at the first bytes and rejects HTML error pages that came
// with a misleading content type.
func refuseHTML(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if strings.HasPrefix(http.DetectContentType(head), "text/html") {
		s := string(head)
		if len(s) > 120 {
			s = s[:120]
		}
		return nil, htmlError(s)
	}
	return br, nil
}

// heartbeater reports progress to Temporal: the last completed part's
// checkpoint (so a retry resumes there) at most once a second while bytes flow.
type heartbeater struct {
	ctx  context.Context
	mu   sync.Mutex
	cp   archive.Checkpoint
	last time.Time
}

func newHeartbeater(ctx context.Context, cp archive.Checkpoint) *heartbeater {
	return &heartbeater{ctx: ctx, cp: cp}
}

// current is the last checkpoint reported.
func (h *heartbeater) current() archive.Checkpoint {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cp
}

func (h *heartbeater) checkpoint(cp archive.Checkpoint) {
	h.mu.Lock()
	h.cp = cp
	h.mu.Unlock()
	activity.RecordHeartbeat(h.ctx, cp)
}

func (h *heartbeater) wrap(r io.ReadCloser) io.ReadCloser { return &heartbeatReader{r: r, h: h} }

type heartbeatReader struct {
	r io.ReadCloser
	h *heartbeater
}

func (hr *heartbeatReader) Close() error { return hr.r.Close() }

func (hr *heartbeatReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	h := hr.h
	h.mu.Lock()
	beat := time.Since(h.last) >= time.Second
	if beat {
		h.last = time.Now()
	}
	cp := h.cp
	h.mu.Unlock()
	if beat {
		activity.RecordHeartbeat(h.ctx, cp)
	}
	return n, err
}
